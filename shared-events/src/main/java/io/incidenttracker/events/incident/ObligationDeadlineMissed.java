package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A reporting clock reached its due time without the report being recorded; {@code occurredAt} is the due time.
 * The obligation stays open: a later report still fulfils it, as late.
 */
@EventType("obligation-deadline-missed")
@Revision("1")
public record ObligationDeadlineMissed(
        UUID incidentId,
        String regime,
        String clock,
        Instant dueAt,
        Instant occurredAt
) implements IncidentEvent {
}
