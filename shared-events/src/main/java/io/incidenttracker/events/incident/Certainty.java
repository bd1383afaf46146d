package io.incidenttracker.events.incident;

/** How much is known about an effect of the attack, for example whether data left the organisation. */
public enum Certainty {
    /** No evidence, according to current knowledge. */
    NONE_KNOWN,
    /** Indications, not proven. */
    SUSPECTED,
    /** Established. */
    CONFIRMED
}
