package io.incidenttracker.events.incident;

/** How a disrupted service is affected. */
public enum ServiceImpact {
    /** Works, but slowly or only in part. */
    DEGRADED,
    /** Does not work at all. */
    UNAVAILABLE
}
