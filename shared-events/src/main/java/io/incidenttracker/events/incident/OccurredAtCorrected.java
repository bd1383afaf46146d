package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A stated time was wrong: the event at {@code correctedSequence} of this incident happened at
 * {@code correctedOccurredAt}, not at the time it carries. The corrected event stays as it was; views show the
 * corrected time. {@code occurredAt} is when the correction was made.
 */
@EventType("occurred-at-corrected")
@Revision("1")
public record OccurredAtCorrected(
        UUID incidentId,
        long correctedSequence,
        Instant correctedOccurredAt,
        String reason,
        Instant occurredAt
) implements IncidentEvent {
}
