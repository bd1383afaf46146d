package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A status update was published to an audience. {@code occurredAt} is when it was published.
 * <p>
 * Revision 2 adds what a public status page needs, all three {@code null} for an {@code INTERNAL} update:
 * {@code headline}, the public name of the incident (required with the incident's first {@code PUBLIC} update, and
 * when given later it renames the incident publicly), {@code status} and {@code impact} (each {@code null} when the
 * update leaves them as they were). Revision-1 events read with all three {@code null}.
 */
@EventType("status-update-published")
@Revision("2")
public record StatusUpdatePublished(
        UUID incidentId,
        Audience audience,
        String text,
        String headline,
        PublicStatus status,
        PublicImpact impact,
        Instant occurredAt
) implements IncidentEvent {

    /** An {@code INTERNAL} update, or a {@code PUBLIC} one that gives none of the public fields. */
    public StatusUpdatePublished(UUID incidentId, Audience audience, String text, Instant occurredAt) {
        this(incidentId, audience, text, null, null, null, occurredAt);
    }
}
