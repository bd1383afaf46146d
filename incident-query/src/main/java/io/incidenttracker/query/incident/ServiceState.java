package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.ServiceImpact;

/** State of a service, from the worst down. */
public enum ServiceState {
    OPERATIONAL, DEGRADED, UNAVAILABLE;

    public static ServiceState of(ServiceImpact impact) {
        return switch (impact) {
            case DEGRADED -> DEGRADED;
            case UNAVAILABLE -> UNAVAILABLE;
        };
    }
}
