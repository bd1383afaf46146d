package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** An isolated system, found clean, was connected again. {@code occurredAt} is when. */
@EventType("system-reconnected")
@Revision("1")
public record SystemReconnected(
        UUID incidentId,
        String systemId,
        String note,
        Instant occurredAt
) implements IncidentEvent {
}
