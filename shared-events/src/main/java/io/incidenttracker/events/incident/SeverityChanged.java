package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** The incident's severity was set, up or down, for a stated reason. {@code occurredAt} is when it was decided. */
@EventType("severity-changed")
@Revision("1")
public record SeverityChanged(
        UUID incidentId,
        Severity severity,
        String reason,
        Instant occurredAt
) implements IncidentEvent {
}
