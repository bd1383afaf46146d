package io.incidenttracker.command.incident;

import java.time.Instant;
import java.util.UUID;

/** Builds the package-private commands for tests in other packages that talk to the command bus directly. */
public class TestCommands {

    public Object isolate(UUID incidentId, String systemId) {
        return new IncidentCommands.IsolateSystem(incidentId, null, systemId, Instant.parse("2023-08-30T07:00:00Z"),
                null, null);
    }
}
