package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * The report a reporting clock asked for was recorded: the {@link AuthorityNotified} at
 * {@code notificationSequence} fulfils it. {@code late} is true when it was made after {@code dueAt};
 * {@code occurredAt} is when the report was made.
 */
@EventType("obligation-fulfilled")
@Revision("1")
public record ObligationFulfilled(
        UUID incidentId,
        String regime,
        String clock,
        Instant dueAt,
        long notificationSequence,
        boolean late,
        Instant occurredAt
) implements IncidentEvent {
}
