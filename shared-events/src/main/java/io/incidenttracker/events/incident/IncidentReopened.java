package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A resolved or closed incident was reopened, for example for a new attack wave. Its status is DETECTED again. */
@EventType("incident-reopened")
@Revision("1")
public record IncidentReopened(
        UUID incidentId,
        String reason,
        Instant occurredAt
) implements IncidentEvent {
}
