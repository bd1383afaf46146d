package io.incidenttracker.query.incident;

/** State of a system within an incident. */
public enum SystemState {
    /** Named in a detection. */
    AFFECTED,
    /** Cut off from the network. */
    ISOLATED,
    /** Connected again after isolation. */
    RECONNECTED
}
