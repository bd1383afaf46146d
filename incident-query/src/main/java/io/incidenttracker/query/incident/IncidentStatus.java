package io.incidenttracker.query.incident;

/**
 * Where an incident stands. Every incident starts as {@link #DETECTED}; containment, resolution and closure follow.
 * A new attack wave or a reopening makes it DETECTED again.
 */
public enum IncidentStatus {
    DETECTED, CONTAINED, RESOLVED, CLOSED
}
