package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A report was made to an authority. {@code authority} names the recipient (for example {@code NCSC}),
 * {@code regime} the obligation it fulfils (for example {@code CH-ISG}), {@code reference} the recipient's case
 * number if any. {@code occurredAt} is when the report was made.
 */
@EventType("authority-notified")
@Revision("1")
public record AuthorityNotified(
        UUID incidentId,
        String authority,
        String regime,
        String reference,
        String summary,
        Instant occurredAt
) implements IncidentEvent {
}
