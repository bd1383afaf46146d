package io.incidenttracker.query.rebuild;

import io.incidenttracker.platform.problem.Problems;
import io.incidenttracker.query.consuming.Processors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
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
    private final BackgroundRebuild backgroundRebuild;

    ProjectionAdminController(EventProcessingConfiguration processing, ProjectionDigest digest,
                              BackgroundRebuild backgroundRebuild) {
        this.processing = processing;
        this.digest = digest;
        this.backgroundRebuild = backgroundRebuild;
    }

    @PostMapping("/background-rebuild")
    @Operation(summary = "Rebuild the status projections without downtime",
            description = "Builds new projection tables from the event history in the background while the current "
                    + "ones keep answering, and swaps them in by one transaction once they have caught up (the old "
                    + "ones are dropped). Answers 202 at once with the progress; 409 while a rebuild runs. Follow "
                    + "with GET /api/admin/projections/background-rebuild until phase is DONE.")
    @ApiResponse(responseCode = "202", description = "Started")
    @ApiResponse(responseCode = "409", description = "A rebuild is under way",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<Object> startBackgroundRebuild() {
        if (!backgroundRebuild.start()) {
            return Problems.respond(Problems.of(HttpStatus.CONFLICT, Problems.REBUILD_IN_PROGRESS,
                    "A background rebuild is under way; follow its progress."));
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(backgroundRebuild.progress());
    }

    @GetMapping("/background-rebuild")
    @Operation(summary = "Progress of the background rebuild",
            description = "phase (IDLE, BUILDING, SWAPPING, DONE, FAILED), events done of the total known so far, "
                    + "events per second, estimated seconds left, start and end, the failure if any.")
    BackgroundRebuild.Progress backgroundRebuildProgress() {
        return backgroundRebuild.progress();
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
