package io.incidenttracker.platform.web;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogContextFilterTest {

    @Test
    void everyLogLineOfARequestCarriesItsCorrelationIdTraceAndIncident() throws Exception {
        String incident = "2f1b7c9e-3a4d-4e5f-8a6b-7c8d9e0f1a2b";
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/incidents/" + incident + "/closure");
        request.addHeader("X-Correlation-Id", "ticket-4711");
        request.addHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        Map<String, String> seen = new HashMap<>();
        String[] correlation = new String[1];

        new LogContextFilter().doFilter(request, new MockHttpServletResponse(), (req, res) -> {
            seen.putAll(MDC.getCopyOfContextMap());
            correlation[0] = LogContextFilter.correlationId(request);
        });

        assertThat(seen).containsEntry("correlationId", "ticket-4711")
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("incidentId", incident)
                .containsKey("spanId");
        assertThat(correlation[0]).isEqualTo("ticket-4711");
        assertThat(MDC.get("correlationId")).isNull();
        assertThat(MDC.get("traceId")).isNull();
        assertThat(MDC.get("incidentId")).isNull();
    }

    @Test
    void aRequestWithoutHeadersGetsANewCorrelationIdThatTheCommandReusesToo() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/incidents");
        String[] inside = new String[2];
        new LogContextFilter().doFilter(request, new MockHttpServletResponse(), (req, res) -> {
            inside[0] = MDC.get("correlationId");
            inside[1] = LogContextFilter.correlationId(request);
        });
        assertThat(inside[0]).isNotBlank().isEqualTo(inside[1]);
    }
}
