package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A status update was published to an audience. {@code occurredAt} is when it was published. */
@EventType("status-update-published")
@Revision("1")
public record StatusUpdatePublished(
        UUID incidentId,
        Audience audience,
        String text,
        Instant occurredAt
) implements IncidentEvent {
}
