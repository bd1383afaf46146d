package io.incidenttracker.query.incident;

import io.incidenttracker.query.incident.IncidentViews.IsolatedSystem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
@Tag(name = "Isolated systems", description = "Every system cut off from the network now, across incidents")
public class IsolatedSystemsController {

    private final IncidentQueries queries;

    public IsolatedSystemsController(IncidentQueries queries) {
        this.queries = queries;
    }

    @GetMapping(path = "/api/isolated-systems", produces = "application/json")
    @Operation(operationId = "getIsolatedSystems", summary = "The board of isolated systems",
            description = "One entry per system and incident that holds it ISOLATED, ordered by systemId, then "
                    + "isolation time. A system leaves the board when it is reconnected.")
    @ApiResponse(responseCode = "200", description = "The board")
    @ApiResponse(responseCode = "401", description = "No or bad credentials",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    public List<IsolatedSystem> board() {
        return queries.isolatedSystems();
    }
}
