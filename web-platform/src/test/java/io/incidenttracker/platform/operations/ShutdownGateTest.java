package io.incidenttracker.platform.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.platform.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShutdownGateTest {

    final ObjectMapper json = new ObjectMapper();
    final ShutdownGate gate = new ShutdownGate(new ProblemWriter(json), Duration.ofSeconds(5));
    final AtomicInteger handled = new AtomicInteger();
    final FilterChain handler = (request, response) -> handled.incrementAndGet();
    final FilterChain failsAsAClosedContextDoes = (request, response) -> {
        throw new IllegalStateException("org.springframework.context.annotation.AnnotationConfigApplicationContext "
                + "has been closed already");
    };

    @Test
    void passesRequestsWhileTheServiceRuns() throws Exception {
        MockHttpServletResponse response = send("/api/incidents", handler);
        assertThat(handled).hasValue(1);
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void refusesRequestsWith503AndRetryAfterOnceShutdownBegan() throws Exception {
        close();
        MockHttpServletResponse response = send("/api/incidents", handler);

        assertThat(handled).hasValue(0);
        assertShuttingDown(response);
    }

    @Test
    void answersARequestInFlightThatFailsOnTheClosingContextWith503() throws Exception {
        MockHttpServletResponse running = new MockHttpServletResponse();
        FilterChain closesMidway = (request, response) -> {
            close();
            failsAsAClosedContextDoes.doFilter(request, response);
        };
        gate.doFilter(new MockHttpServletRequest("POST", "/api/incidents"), running, closesMidway);
        assertShuttingDown(running);
    }

    @Test
    void letsAFailureBeforeShutdownThrough() {
        assertThatThrownBy(() -> send("/api/incidents", failsAsAClosedContextDoes))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void letsHealthProbesThroughDuringShutdownSoThatReadinessReportsIt() throws Exception {
        close();
        send("/actuator/health/readiness", handler);
        assertThat(handled).hasValue(1);
    }

    private void close() {
        gate.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
    }

    private MockHttpServletResponse send(String path, FilterChain chain) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        gate.doFilter(new MockHttpServletRequest("POST", path), response, chain);
        return response;
    }

    private void assertShuttingDown(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.getContentAsString());
        assertThat(problem.get("type").asText()).isEqualTo("urn:problem:incident-tracker:shutting-down");
        assertThat(problem.get("status").asInt()).isEqualTo(503);
    }
}
