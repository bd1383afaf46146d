package io.incidenttracker.query.serviceboard;

import io.incidenttracker.query.incident.IncidentReplay;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;

/** The service board over HTTP: the current board, or the board as recorded at an instant. */
@RestController
@Tag(name = "Service board", description = "Every service any incident has touched, at its worst current state")
public class ServiceBoardController {

    private final ServiceBoardQueries board;
    private final IncidentReplay replay;

    public ServiceBoardController(ServiceBoardQueries board, IncidentReplay replay) {
        this.board = board;
        this.replay = replay;
    }

    @GetMapping(path = "/api/services", produces = "application/json")
    @Operation(operationId = "getServiceBoard", summary = "The service board",
            description = "One entry per service: its worst state across incidents (UNAVAILABLE, then DEGRADED, "
                    + "then OPERATIONAL), ties broken by the latest change; ordered by serviceId. With asOf: the board "
                    + "as recorded at that instant, folded from the event history (empty before the first service "
                    + "event).")
    @ApiResponse(responseCode = "200", description = "The board")
    @ApiResponse(responseCode = "400", description = "asOf is no ISO-8601 instant",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "401", description = "No or bad credentials",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    public List<ServiceBoardEntry> board(
            @Parameter(description = "The board as recorded at this instant (ISO-8601, recorded time)")
            @RequestParam(required = false) Instant asOf) {
        return asOf == null ? board.current() : replay.everyIncidentAsOf(asOf, board::current);
    }
}
