package io.incidenttracker.command.incident.correction;

import io.incidenttracker.command.incident.IncidentCommand;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/** The commands that correct what an incident's events state, handled by {@link EventTimes}. */
public final class CorrectionCommands {

    private CorrectionCommands() {
    }

    /** Corrects the occurredAt of the event at {@code sequence}; {@code correctedAt} is when the correction is made. */
    public record CorrectOccurredAt(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            long sequence,
            Instant occurredAt,
            String reason,
            Instant correctedAt) implements IncidentCommand {
    }
}
