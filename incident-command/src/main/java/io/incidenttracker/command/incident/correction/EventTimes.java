package io.incidenttracker.command.incident.correction;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.incident.correction.CorrectionCommands.CorrectOccurredAt;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

/**
 * When each of an incident's events happened, as its caller stated it and as corrected since, and the rules of
 * corrections. Part of the Incident aggregate: a member that sees every event of the incident. The incident reads
 * the times it compares here, so that a correction of an event's occurredAt also corrects every later rule that
 * depends on it.
 * <p>
 * A correction is itself not correctable, and neither are the events of the reporting clocks: they state no
 * caller's time.
 */
public class EventTimes {

    /** occurredAt of every event that can be corrected, by sequence, with corrections applied. */
    private final Map<Long, Instant> occurredAt = new HashMap<>();
    /** Sequences of the events the reporting clocks record; they state no caller's time and cannot be corrected. */
    private final Set<Long> clockSequences = new HashSet<>();

    /** The occurredAt of the event at {@code sequence}, corrected if it was; null for a correction or a clock event. */
    public Instant occurredAt(long sequence) {
        return occurredAt.get(sequence);
    }

    @CommandHandler
    long handle(CorrectOccurredAt command) {
        Instant current = occurredAt.get(command.sequence());
        if (clockSequences.contains(command.sequence())) {
            throw new IncidentRuleViolation("Event " + command.sequence()
                    + " was recorded by a reporting clock and states no caller's time; it cannot be corrected");
        }
        if (current == null) {
            throw new IncidentRuleViolation(command.sequence() < 0 || command.sequence() > getVersion()
                    ? "The incident has no event " + command.sequence()
                    : "Event " + command.sequence() + " is a correction; correct the original event instead");
        }
        if (current.equals(command.occurredAt())) {
            throw new IncidentRuleViolation("Event " + command.sequence() + " already has occurredAt " + current);
        }
        apply(new OccurredAtCorrected(command.incidentId(), command.sequence(), command.occurredAt(),
                command.reason(), command.correctedAt()));
        return getVersion();
    }

    @EventSourcingHandler
    void on(IncidentEvent event, @SequenceNumber long sequence) {
        if (event instanceof OccurredAtCorrected correction) {
            occurredAt.replace(correction.correctedSequence(), correction.correctedOccurredAt());
        } else if (recordedByAClock(event)) {
            clockSequences.add(sequence);
        } else {
            occurredAt.put(sequence, event.occurredAt());
        }
    }

    private static boolean recordedByAClock(IncidentEvent event) {
        return event instanceof ObligationOpened || event instanceof ObligationWarningRaised
                || event instanceof ObligationDeadlineMissed || event instanceof ObligationFulfilled;
    }
}
