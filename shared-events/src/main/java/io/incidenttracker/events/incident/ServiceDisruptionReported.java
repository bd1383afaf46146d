package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A service became degraded or unavailable, or a disruption changed its impact. {@code occurredAt} is since when.
 */
@EventType("service-disruption-reported")
@Revision("1")
public record ServiceDisruptionReported(
        UUID incidentId,
        String serviceId,
        ServiceImpact impact,
        String description,
        Instant occurredAt
) implements IncidentEvent {
}
