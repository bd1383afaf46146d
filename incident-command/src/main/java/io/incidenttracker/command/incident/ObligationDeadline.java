package io.incidenttracker.command.incident;

import java.time.Instant;
import java.util.Locale;

/**
 * The payload of a reporting clock's deadline, kept by the deadline manager in the command database until it is due:
 * which clock, whether it is the warning or the due time, and that time (the occurredAt of the event it causes).
 */
public record ObligationDeadline(String regime, String clock, Kind kind, Instant at) {

    /** The warning before the due time, or the due time itself. */
    public enum Kind { WARNING, DUE }

    /** Actor recorded on the events a deadline causes: the clock itself, not a person. */
    public static final String ACTOR = "regulatory-clock";

    /** One deadline name per clock and kind, so that fulfilling a clock cancels exactly its own deadlines. */
    public static String deadlineName(Kind kind, String regime, String clock) {
        return "obligation-" + kind.name().toLowerCase(Locale.ROOT) + ":" + regime + ":" + clock;
    }
}
