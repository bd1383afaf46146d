package io.incidenttracker.query.consuming;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The projection's log lines carry the trace, correlation and incident of the event being handled. */
class EventLogContextTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final EventLogContext context = new EventLogContext(meters);

    @Test
    void putsTheEventsTraceCorrelationAndIncidentIntoTheLogContextWhileItIsHandled() throws Exception {
        String incident = "2f1b7c9e-3a4d-4e5f-8a6b-7c8d9e0f1a2b";
        EventMessage<?> event = new GenericDomainEventMessage<>("incident", incident, 3, "payload",
                Map.of(IncidentEventMetaData.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                       IncidentEventMetaData.CORRELATION_ID, "ticket-4711"),
                "e-3", Instant.now().minusMillis(250));
        Map<String, String> seen = new HashMap<>();

        DefaultUnitOfWork<EventMessage<?>> unitOfWork = DefaultUnitOfWork.startAndGet(event);
        try {
            context.handle(Processors.INCIDENT_PROJECTION, unitOfWork, () -> {
                seen.putAll(MDC.getCopyOfContextMap());
                return null;
            });
        } finally {
            unitOfWork.commit();
        }

        assertThat(seen).containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("spanId", "00f067aa0ba902b7")
                .containsEntry("correlationId", "ticket-4711")
                .containsEntry("incidentId", incident);
        assertThat(MDC.get("traceId")).isNull();
        assertThat(meters.get("incident.projection.delay").timer().count()).isEqualTo(1);
    }
}
