package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** The attack no longer spreads: containment was declared. {@code occurredAt} is when it was contained. */
@EventType("incident-contained")
@Revision("1")
public record IncidentContained(
        UUID incidentId,
        String summary,
        Instant occurredAt
) implements IncidentEvent {
}
