package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** The incident is resolved: the attacker is out and operations are recovered. {@code occurredAt} is when. */
@EventType("incident-resolved")
@Revision("1")
public record IncidentResolved(
        UUID incidentId,
        String summary,
        Instant occurredAt
) implements IncidentEvent {
}
