package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** This incident was related to another one, for example a second wave opened separately. */
@EventType("incident-linked")
@Revision("1")
public record IncidentLinked(
        UUID incidentId,
        UUID linkedIncidentId,
        LinkRelation relation,
        String reason,
        Instant occurredAt
) implements IncidentEvent {
}
