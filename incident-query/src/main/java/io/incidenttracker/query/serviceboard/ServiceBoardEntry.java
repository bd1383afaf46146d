package io.incidenttracker.query.serviceboard;

import io.incidenttracker.query.incident.ServiceState;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/** A service at its worst current state across incidents: one row of the service board. */
@Schema(description = "A service at its worst current state across incidents")
public record ServiceBoardEntry(
        String serviceId,
        ServiceState state,
        @Schema(description = "Since when the service is in this state")
        Instant since,
        @Schema(description = "The incident that holds this state")
        UUID incidentId) {
}
