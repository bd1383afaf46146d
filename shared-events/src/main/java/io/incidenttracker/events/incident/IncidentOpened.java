package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * An incident was opened because an attack was detected; always followed by the {@link AttackDetected} of its first
 * wave. {@code occurredAt} is the detection time of that wave.
 */
@EventType("incident-opened")
@Revision("1")
public record IncidentOpened(
        UUID incidentId,
        String title,
        Severity severity,
        Instant occurredAt
) implements IncidentEvent {
}
