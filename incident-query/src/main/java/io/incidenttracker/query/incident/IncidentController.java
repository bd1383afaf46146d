package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import io.incidenttracker.query.incident.IncidentViews.IncidentSummary;
import io.incidenttracker.query.incident.IncidentViews.ResponseMetrics;
import io.incidenttracker.query.incident.IncidentViews.TimelineEntry;
import io.incidenttracker.query.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RestController
@RequestMapping(path = "/api/incidents", produces = "application/json")
@Tag(name = "Incidents", description = "Current status of incidents and their history")
public class IncidentController {

    private final IncidentQueries queries;
    private final IncidentReplay replay;
    private final ViewDocuments documents;

    public IncidentController(IncidentQueries queries, IncidentReplay replay, ViewDocuments documents) {
        this.queries = queries;
        this.replay = replay;
        this.documents = documents;
    }

    @GetMapping
    @Operation(operationId = "listIncidents", summary = "List incidents, newest first by openedAt",
            description = "Answers a strong ETag (it changes whenever any incident changes); If-None-Match with it "
                    + "gives 304 Not Modified and no body.")
    @ApiResponse(responseCode = "200", description = "The incidents")
    @ApiResponse(responseCode = "304", description = "Not modified: If-None-Match named the current ETag",
            content = @Content)
    public ResponseEntity<List<IncidentSummary>> list(
            @Parameter(description = "An ETag of an earlier answer: 304 if the answer is still the same")
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @Parameter(description = "Only incidents in this status")
            @RequestParam(required = false) IncidentStatus status,
            @Parameter(description = "Only incidents of this severity")
            @RequestParam(required = false) Severity severity,
            @Parameter(description = "true: only incidents not CLOSED; false: only CLOSED ones")
            @RequestParam(required = false) Boolean open,
            @Parameter(description = "Only incidents opened at or after this instant (ISO-8601)")
            @RequestParam(required = false) Instant openedFrom,
            @Parameter(description = "Only incidents opened before this instant (ISO-8601)")
            @RequestParam(required = false) Instant openedBefore,
            @Parameter(description = "At most this many incidents (1 to 1000)")
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        IncidentQueries.Filter filter = new IncidentQueries.Filter(status, severity, open, openedFrom, openedBefore);
        // the stamp before the list: see ViewDocuments.listEtag
        Optional<String> etag = documents.listEtag(ViewDocuments.INCIDENTS, filter + "|" + limit);
        if (etag.isPresent() && ViewDocuments.matches(ifNoneMatch, etag.get())) {
            return ViewDocuments.notModified(etag.get());
        }
        List<IncidentSummary> incidents = queries.list(filter, limit);
        return etag.map(tag -> ResponseEntity.ok().eTag(tag)).orElseGet(ResponseEntity::ok).body(incidents);
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getIncident", summary = "One incident with everything recorded about it",
            description = "Attack waves, systems, services, commander, status and severity history, containment, "
                    + "resolution and closure, forensic analyses with findings, data-impact assessments (latest and "
                    + "history), authority notifications, status updates, links, corrections and response metrics. "
                    + "Times are the corrected ones. The current incident is answered as stored by the projection, "
                    + "with a strong ETag (the version and a hash of the answer; it also changes when another "
                    + "incident links this one); If-None-Match with it gives 304 Not Modified and no body. "
                    + "With asOf or atSequence (not both): the incident as it was recorded at that instant, or right "
                    + "after that event, folded from its history by the same code as the live view.")
    @ApiResponse(responseCode = "200", description = "The incident",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = IncidentDetail.class)))
    @ApiResponse(responseCode = "304", description = "Not modified: If-None-Match named the current ETag",
            content = @Content)
    @ApiResponse(responseCode = "404", description = "Unknown incident, or not recorded yet at asOf, or no event "
            + "with sequence atSequence")
    public ResponseEntity<byte[]> get(
            @Parameter(description = "Incident id (UUID)") @PathVariable UUID id,
            @Parameter(description = "An ETag of an earlier answer: 304 if the answer is still the same")
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @Parameter(description = "The incident as recorded at this instant (ISO-8601, recorded time)")
            @RequestParam(required = false) Instant asOf,
            @Parameter(description = "The incident right after its event with this sequence (0 or more)")
            @RequestParam(required = false) @Min(0) Long atSequence) {
        ViewDocuments.Stored incident;
        if (asOf != null && atSequence != null) {
            throw new InvalidRequest("atSequence", "cannot be combined with asOf; give one of them");
        } else if (asOf != null) {
            incident = documents.detail(replay.asOf(id, asOf).orElseThrow(() -> new NotFoundException(
                    "Incident " + id + " had no recorded event at " + asOf + ".")));
        } else if (atSequence != null) {
            incident = documents.detail(replay.atSequence(id, atSequence).orElseThrow(() -> new NotFoundException(
                    "Incident " + id + " has no recorded event with sequence " + atSequence + ".")));
        } else {
            // a conditional read compares the stored ETag alone; the document is read only when it changed
            Optional<ViewDocuments.Current> current = documents.currentIncident(id, ifNoneMatch);
            if (current.isPresent() && current.get().notModified()) {
                return ViewDocuments.notModified(current.get().stored().etag());
            }
            incident = current.map(ViewDocuments.Current::stored)
                    .or(() -> documents.renderedIncident(id)).orElseThrow(() -> unknown(id));
            // a detail rendered now (none stored yet) has the ETag it will be stored with
            if (ViewDocuments.matches(ifNoneMatch, incident.etag())) {
                return ViewDocuments.notModified(incident.etag());
            }
        }
        return ResponseEntity.ok().eTag(incident.etag()).contentType(MediaType.APPLICATION_JSON).body(incident.body());
    }

    @GetMapping("/{id}/history")
    @Operation(operationId = "getIncidentHistory", summary = "An incident's events, each with the state after it",
            description = "For stepping through an incident as an auditor: per event (sequence order) its kind, "
                    + "when it happened and was recorded, who caused it, and the whole incident as it was right "
                    + "after it. Pages by fromSequence and limit.")
    @ApiResponse(responseCode = "200", description = "The steps")
    @ApiResponse(responseCode = "404", description = "Unknown incident")
    public List<IncidentReplay.HistoryStep> history(
            @Parameter(description = "Incident id (UUID)") @PathVariable UUID id,
            @Parameter(description = "First sequence to answer (0 or more)")
            @RequestParam(defaultValue = "0") @Min(0) long fromSequence,
            @Parameter(description = "At most this many steps (1 to 200)")
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
        return replay.history(id, fromSequence, limit).orElseThrow(() -> unknown(id));
    }

    @GetMapping("/{id}/timeline")
    @Operation(operationId = "getIncidentTimeline", summary = "An incident's events in sequence order",
            description = "A corrected event keeps its stated occurredAt and shows correctedOccurredAt beside it; "
                    + "the correction is an entry of its own.")
    @ApiResponse(responseCode = "200", description = "The timeline")
    @ApiResponse(responseCode = "404", description = "Unknown incident")
    public List<TimelineEntry> timeline(@Parameter(description = "Incident id (UUID)") @PathVariable UUID id) {
        return queries.timeline(id).orElseThrow(() -> unknown(id));
    }

    @GetMapping("/{id}/metrics")
    @Operation(operationId = "getIncidentMetrics", summary = "Response metrics of an incident",
            description = "Time to detect (first known attack activity to detection), to contain, to restore each "
                    + "service, to resolve; ISO-8601 durations, null until the end is reached.")
    @ApiResponse(responseCode = "200", description = "The metrics")
    @ApiResponse(responseCode = "404", description = "Unknown incident")
    public ResponseMetrics metrics(@Parameter(description = "Incident id (UUID)") @PathVariable UUID id) {
        return queries.metrics(id).orElseThrow(() -> unknown(id));
    }

    private static NotFoundException unknown(UUID id) {
        return new NotFoundException("No incident " + id + " is known (yet: the view may lag a command by a moment).");
    }
}
