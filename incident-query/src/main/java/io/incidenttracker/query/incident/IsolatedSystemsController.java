package io.incidenttracker.query.incident;

import io.incidenttracker.query.incident.IncidentViews.IsolatedSystem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Optional;

@RestController
@Tag(name = "Isolated systems", description = "Every system cut off from the network now, across incidents")
public class IsolatedSystemsController {

    private final IncidentQueries queries;
    private final ViewDocuments documents;

    public IsolatedSystemsController(IncidentQueries queries, ViewDocuments documents) {
        this.queries = queries;
        this.documents = documents;
    }

    @GetMapping(path = "/api/isolated-systems", produces = "application/json")
    @Operation(operationId = "getIsolatedSystems", summary = "The board of isolated systems",
            description = "One entry per system and incident that holds it ISOLATED, ordered by systemId, then "
                    + "isolation time. A system leaves the board when it is reconnected. Answers a strong ETag (it "
                    + "changes whenever any incident changes); If-None-Match with it gives 304 Not Modified and no "
                    + "body.")
    @ApiResponse(responseCode = "200", description = "The board")
    @ApiResponse(responseCode = "304", description = "Not modified: If-None-Match named the current ETag",
            content = @Content)
    public ResponseEntity<List<IsolatedSystem>> board(
            @Parameter(description = "An ETag of an earlier answer: 304 if the answer is still the same")
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        // the stamp before the list: see ViewDocuments.listEtag
        Optional<String> etag = documents.listEtag(ViewDocuments.ISOLATED_SYSTEMS, "");
        if (etag.isPresent() && ViewDocuments.matches(ifNoneMatch, etag.get())) {
            return ViewDocuments.notModified(etag.get());
        }
        List<IsolatedSystem> systems = queries.isolatedSystems();
        return etag.map(tag -> ResponseEntity.ok().eTag(tag)).orElseGet(ResponseEntity::ok).body(systems);
    }
}
