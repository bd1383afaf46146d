package io.incidenttracker.events.incident;

/** Who a status update is for. */
public enum Audience {
    /** Staff and responders. */
    INTERNAL,
    /** Patients, customers and the press. */
    PUBLIC
}
