package io.incidenttracker.query.rebuild;

import io.incidenttracker.query.consuming.Processors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilding the status projections from the topic (admins only). The audit ledger is not touched: it is
 * append-only and has its own processor.
 */
@RestController
@RequestMapping(path = "/api/admin/projections", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Projection administration")
class ProjectionAdminController {

    private static final Logger log = LoggerFactory.getLogger(ProjectionAdminController.class);

    private final EventProcessingConfiguration processing;
    private final ProjectionDigest digest;

    ProjectionAdminController(EventProcessingConfiguration processing, ProjectionDigest digest) {
        this.processing = processing;
        this.digest = digest;
    }

    /**
     * The state of the projection processor and the projections' digest. {@code caughtUp}: running, its segments
     * claimed, none replaying and none failing.
     */
    record ProjectionStatus(String processor, boolean running, boolean replaying, boolean failing, boolean caughtUp,
                            Map<Integer, String> positions, String digest, Map<String, Long> rows) {
    }

    @GetMapping
    @Operation(summary = "Status and digest of the status projections")
    ProjectionStatus status() {
        StreamingEventProcessor processor = processor();
        Map<Integer, String> positions = new TreeMap<>();
        boolean replaying = false;
        boolean failing = false;
        for (Map.Entry<Integer, EventTrackerStatus> segment : processor.processingStatus().entrySet()) {
            EventTrackerStatus status = segment.getValue();
            positions.put(segment.getKey(), String.valueOf(status.getTrackingToken()));
            replaying |= status.isReplaying();
            failing |= status.isErrorState();
        }
        ProjectionDigest.Digest current = digest.compute();
        boolean caughtUp = processor.isRunning() && !positions.isEmpty() && !replaying && !failing;
        return new ProjectionStatus(Processors.INCIDENT_PROJECTION, processor.isRunning(), replaying, failing,
                caughtUp, positions, current.sha256(), current.rows());
    }

    @PostMapping("/rebuild")
    @Operation(summary = "Rebuild the status projections from the topic",
            description = "Stops the projection processor, resets its position to the start of the topic (its reset "
                    + "handler empties the projection tables) and starts it again. Answers 202 at once; follow "
                    + "progress with GET /api/admin/projections until caughtUp is true. Views are incomplete until "
                    + "then.")
    ResponseEntity<Map<String, String>> rebuild() {
        StreamingEventProcessor processor = processor();
        log.warn("Rebuilding the status projections from the topic: stopping '{}'", processor.getName());
        processor.shutDown();
        processor.resetTokens();
        processor.start();
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(Map.of("processor", processor.getName(), "status", "REBUILDING"));
    }

    private StreamingEventProcessor processor() {
        return processing.eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no processor " + Processors.INCIDENT_PROJECTION));
    }
}
