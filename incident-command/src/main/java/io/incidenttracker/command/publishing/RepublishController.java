package io.incidenttracker.command.publishing;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/** Disaster recovery (admins only): publish stored events to the topic again. */
@RestController
@RequestMapping(path = "/api/admin/events", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Event administration")
class RepublishController {

    private final Republisher republisher;

    RepublishController(Republisher republisher) {
        this.republisher = republisher;
    }

    @Schema(description = "What was republished")
    record Republished(@Schema(nullable = true, description = "The incident, or null for all") UUID incidentId,
                       @Schema(description = "Events sent and acknowledged by the broker") long events) {
    }

    @PostMapping("/republish")
    @Operation(operationId = "republishEvents", summary = "Publish stored events to the topic again",
            description = "Reads the event store in order (one incident by sequence, or every event by global "
                    + "index) and sends each event as the very record the publisher sent (same CloudEvents id, type, "
                    + "sequence, recorded time, data), with the publisher's producer settings; answers when the broker "
                    + "has acknowledged all of them. Consumers ignore what they have already applied, so republishing "
                    + "is safe at any time; its purpose is a lost or damaged topic.")
    @ApiResponse(responseCode = "200", description = "All events republished")
    @ApiResponse(responseCode = "404", description = "Unknown incident")
    Republished republish(@Parameter(description = "Only this incident's events (UUID); all events when absent")
                          @RequestParam(required = false) UUID incidentId) {
        long events = incidentId == null ? republisher.republishAll() : republisher.republish(incidentId);
        return new Republished(incidentId, events);
    }
}
