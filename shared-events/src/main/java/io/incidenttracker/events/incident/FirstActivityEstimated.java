package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * The earliest known attacker activity of a wave, as far as it is known now; a later estimate replaces an earlier
 * one. {@code firstActivityAt} is the estimated start of the activity, {@code occurredAt} when it was estimated.
 * {@code basis} says what the estimate rests on (for example a log entry or a forensic finding).
 */
@EventType("first-activity-estimated")
@Revision("1")
public record FirstActivityEstimated(
        UUID incidentId,
        int wave,
        Instant firstActivityAt,
        String basis,
        Instant occurredAt
) implements IncidentEvent {
}
