package io.incidenttracker.command.incident;

import io.incidenttracker.events.incident.ServiceImpact;

import java.time.Instant;
import java.util.UUID;

/**
 * The benchmark's way to the command records, which are package-private in the command service: it sends them
 * through the command gateway in-process, as the HTTP controllers do.
 */
public final class BenchCommands {

    private BenchCommands() {
    }

    /** ReportServiceDisruption: the service becomes UNAVAILABLE at {@code since}. */
    public static Object disruption(UUID incidentId, String serviceId, Instant since) {
        return new IncidentCommands.ReportServiceDisruption(incidentId, null, serviceId, ServiceImpact.UNAVAILABLE,
                since, "load test");
    }

    /** RestoreService: the disrupted service works again at {@code restoredAt}. */
    public static Object restoration(UUID incidentId, String serviceId, Instant restoredAt) {
        return new IncidentCommands.RestoreService(incidentId, null, serviceId, restoredAt, "load test");
    }
}
