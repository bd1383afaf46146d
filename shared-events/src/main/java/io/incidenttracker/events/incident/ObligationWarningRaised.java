package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A reporting clock came close to its due time while its report was still outstanding; {@code occurredAt} is the warning time. */
@EventType("obligation-warning-raised")
@Revision("1")
public record ObligationWarningRaised(
        UUID incidentId,
        String regime,
        String clock,
        Instant dueAt,
        Instant occurredAt
) implements IncidentEvent {
}
