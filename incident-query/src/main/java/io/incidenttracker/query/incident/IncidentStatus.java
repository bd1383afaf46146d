package io.incidenttracker.query.incident;

/** Where an incident stands. Every incident starts as {@link #DETECTED}. */
public enum IncidentStatus {
    DETECTED
}
