package io.incidenttracker.query.rebuild;

import io.incidenttracker.platform.problem.Problems;
import io.incidenttracker.query.consuming.Processors;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Rebuilding the status projections from the topic (admins only). The audit ledger is not touched: it is
 * append-only and has its own processor.
 */
@RestController
@RequestMapping(path = "/api/admin/projections", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Projection administration")
class ProjectionAdminController {

    private final ProjectionProcessor processor;
    private final ProjectionDigest digest;
    private final BackgroundRebuild backgroundRebuild;

    ProjectionAdminController(ProjectionProcessor processor, ProjectionDigest digest,
                              BackgroundRebuild backgroundRebuild) {
        this.processor = processor;
        this.digest = digest;
        this.backgroundRebuild = backgroundRebuild;
    }

    @PostMapping("/background-rebuild")
    @Operation(summary = "Rebuild the status projections without downtime",
            description = "Builds new projection tables from the event history in the background while the current "
                    + "ones keep answering, and swaps them in by one transaction once they have caught up (the old "
                    + "ones are dropped). Answers 202 at once with the progress; 409 while a rebuild runs. Follow "
                    + "with GET /api/admin/projections/background-rebuild until phase is DONE.")
    @ApiResponse(responseCode = "202", description = "Started: the progress", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = BackgroundRebuild.Progress.class)))
    @ApiResponse(responseCode = "409", description = "A rebuild is under way")
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
        ProjectionProcessor.State state = processor.state();
        ProjectionDigest.Digest current = digest.compute();
        boolean caughtUp = state.running() && !state.positions().isEmpty() && !state.replaying() && !state.failing();
        return new ProjectionStatus(Processors.INCIDENT_PROJECTION, state.running(), state.replaying(),
                state.failing(), caughtUp, state.positions(), current.sha256(), current.rows());
    }

    @PostMapping("/rebuild")
    @Operation(summary = "Rebuild the status projections from the topic",
            description = "Stops the projection processor, resets its position to the start of the topic (its reset "
                    + "handler empties the projection tables) and starts it again. Answers 202 at once; follow "
                    + "progress with GET /api/admin/projections until caughtUp is true. Views are incomplete until "
                    + "then.")
    @ApiResponse(responseCode = "202", description = "Rebuilding: the processor's name and status REBUILDING")
    @ApiResponse(responseCode = "409", description = "Another query instance applies the projection (named in "
            + "owners): rebuild it there; nothing changed")
    ResponseEntity<?> rebuild() {
        try {
            String name = processor.restartFromTheStart();
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("processor", name, "status", "REBUILDING"));
        } catch (ProjectionProcessor.AppliedElsewhere elsewhere) {
            ProblemDetail problem =
                    Problems.of(HttpStatus.CONFLICT, Problems.APPLIED_ELSEWHERE, elsewhere.getMessage());
            problem.setProperty(Problems.OWNERS, elsewhere.owners());
            return Problems.respond(problem);
        }
    }
}
