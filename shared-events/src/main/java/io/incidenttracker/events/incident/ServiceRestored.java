package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A disrupted service is operational again. {@code occurredAt} is when it was restored. */
@EventType("service-restored")
@Revision("1")
public record ServiceRestored(
        UUID incidentId,
        String serviceId,
        String note,
        Instant occurredAt
) implements IncidentEvent {
}
