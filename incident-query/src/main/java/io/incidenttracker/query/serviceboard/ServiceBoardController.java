package io.incidenttracker.query.serviceboard;

import io.incidenttracker.query.incident.IncidentReplay;
import io.incidenttracker.query.incident.ServiceState;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@RestController
@Tag(name = "Service board", description = "Every service any incident has touched, at its worst current state")
public class ServiceBoardController {

    private final JdbcTemplate jdbc;
    private final IncidentReplay replay;

    public ServiceBoardController(JdbcTemplate jdbc, IncidentReplay replay) {
        this.jdbc = jdbc;
        this.replay = replay;
    }

    @Schema(description = "A service at its worst current state across incidents")
    public record ServiceBoardEntry(
            String serviceId,
            ServiceState state,
            @Schema(description = "Since when the service is in this state")
            Instant since,
            @Schema(description = "The incident that holds this state")
            UUID incidentId) {
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
        return asOf == null ? currentBoard() : replay.everyIncidentAsOf(asOf, this::currentBoard);
    }

    private List<ServiceBoardEntry> currentBoard() {
        return jdbc.query("SELECT service_id, state, since, incident_id FROM service_board ORDER BY service_id",
                          (rs, i) -> new ServiceBoardEntry(
                                  rs.getString("service_id"),
                                  ServiceState.valueOf(rs.getString("state")),
                                  rs.getObject("since", OffsetDateTime.class).toInstant(),
                                  rs.getObject("incident_id", UUID.class)));
    }
}
