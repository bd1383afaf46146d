package io.incidenttracker.query.serviceboard;

import io.incidenttracker.query.incident.IncidentReplay;
import io.incidenttracker.query.incident.ViewDocuments;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.Optional;

/** The service board over HTTP: the current board, or the board as recorded at an instant. */
@RestController
@Tag(name = "Service board", description = "Every service any incident has touched, at its worst current state")
public class ServiceBoardController {

    private final ServiceBoardQueries board;
    private final IncidentReplay replay;
    private final ViewDocuments documents;

    public ServiceBoardController(ServiceBoardQueries board, IncidentReplay replay, ViewDocuments documents) {
        this.board = board;
        this.replay = replay;
        this.documents = documents;
    }

    @GetMapping(path = "/api/services", produces = "application/json")
    @Operation(operationId = "getServiceBoard", summary = "The service board",
            description = "One entry per service: its worst state across incidents (UNAVAILABLE, then DEGRADED, "
                    + "then OPERATIONAL), ties broken by the latest change; ordered by serviceId. With asOf: the board "
                    + "as recorded at that instant, folded from the event history (empty before the first service "
                    + "event). The current board is answered as stored by the projection, with a strong ETag (a hash of "
                    + "the answer); If-None-Match with it gives 304 Not Modified and no body.")
    @ApiResponse(responseCode = "200", description = "The board", content = @Content(mediaType = "application/json",
            array = @ArraySchema(schema = @Schema(implementation = ServiceBoardEntry.class))))
    @ApiResponse(responseCode = "304", description = "Not modified: If-None-Match named the current ETag",
            content = @Content)
    @ApiResponse(responseCode = "400", description = "asOf is no ISO-8601 instant")
    public ResponseEntity<byte[]> board(
            @Parameter(description = "The board as recorded at this instant (ISO-8601, recorded time)")
            @RequestParam(required = false) Instant asOf,
            @Parameter(description = "An ETag of an earlier answer: 304 if the answer is still the same")
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
        ViewDocuments.Stored answer;
        if (asOf != null) {
            answer = documents.rendered(replay.everyIncidentAsOf(asOf, board::current));
        } else {
            // a conditional read compares the stored ETag alone; the board is read only when it changed
            Optional<ViewDocuments.Current> current = documents.currentBoard(ifNoneMatch);
            if (current.isPresent() && current.get().notModified()) {
                return ViewDocuments.notModified(current.get().stored().etag());
            }
            answer = current.map(ViewDocuments.Current::stored).orElseGet(documents::renderedBoard);
        }
        return ResponseEntity.ok().eTag(answer.etag()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
    }
}
