package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A system was cut off from the network to contain the attack. {@code occurredAt} is when it was isolated. */
@EventType("system-isolated")
@Revision("1")
public record SystemIsolated(
        UUID incidentId,
        String systemId,
        String reason,
        Instant occurredAt
) implements IncidentEvent {
}
