package io.incidenttracker.query.obligation;

import io.incidenttracker.query.obligation.ObligationViews.Obligation;
import io.incidenttracker.query.obligation.ObligationViews.ObligationState;
import io.incidenttracker.query.obligation.ObligationViews.ReportDraft;
import io.incidenttracker.query.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** The reporting obligations of incidents and the drafts of their reports. */
@RestController
@Tag(name = "Regulatory clocks", description = "Reporting obligations, time left, and report drafts")
public class ObligationController {

    static final String MARKDOWN = "text/markdown";

    private final ObligationQueries queries;
    private final Clock clock;

    public ObligationController(ObligationQueries queries, ObjectProvider<Clock> clock) {
        this.queries = queries;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @GetMapping(path = "/api/incidents/{id}/obligations", produces = "application/json")
    @Operation(operationId = "getIncidentObligations", summary = "An incident's reporting obligations by due time",
            description = "One entry per clock of each regime the incident started, with its state, time left or "
                    + "overdue computed at the moment of the answer.")
    @ApiResponse(responseCode = "200", description = "The obligations")
    @ApiResponse(responseCode = "404", description = "Unknown incident")
    public List<Obligation> forIncident(@Parameter(description = "Incident id (UUID)") @PathVariable UUID id) {
        return queries.forIncident(id, clock.instant()).orElseThrow(() -> unknownIncident(id));
    }

    @GetMapping(path = "/api/obligations", produces = "application/json")
    @Operation(operationId = "listObligations", summary = "Reporting obligations across all incidents, by due time")
    @ApiResponse(responseCode = "200", description = "The obligations")
    public List<Obligation> all(
            @Parameter(description = "open (not reported, due ahead), overdue (not reported, due passed) or "
                    + "fulfilled (reported)")
            @RequestParam(required = false) @Pattern(regexp = "(?i)open|overdue|fulfilled",
                    message = "must be one of open, overdue, fulfilled") String state,
            @Parameter(description = "At most this many obligations (1 to 1000)")
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        ObligationState wanted = state == null ? null : ObligationState.valueOf(state.toUpperCase(Locale.ROOT));
        return queries.all(wanted, limit, clock.instant());
    }

    @GetMapping(path = "/api/incidents/{id}/reports/{regime}", produces = "application/json")
    @Operation(operationId = "getReportDraft", summary = "The draft of the report a regime requires",
            description = "Filled from the incident's facts with the fields the regime's clocks require; "
                    + "`missing` lists what the incident does not hold yet. Ask with Accept: text/markdown for a "
                    + "readable Markdown document instead.")
    @ApiResponse(responseCode = "200", description = "The draft", content = {
            @Content(mediaType = "application/json", schema = @Schema(implementation = ReportDraft.class)),
            @Content(mediaType = MARKDOWN, schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "404", description = "Unknown incident, or no clock of the regime runs on it")
    public ReportDraft reportDraft(@Parameter(description = "Incident id (UUID)") @PathVariable UUID id,
                                   @Parameter(description = "Regime id, e.g. CH-ISG (any case)") @PathVariable String regime) {
        return draft(id, regime);
    }

    @GetMapping(path = "/api/incidents/{id}/reports/{regime}", produces = MARKDOWN + ";charset=UTF-8")
    public String reportDraftAsMarkdown(@PathVariable UUID id, @PathVariable String regime) {
        return ReportMarkdown.render(draft(id, regime));
    }

    private ReportDraft draft(UUID id, String regime) {
        return queries.reportDraft(id, regime, clock.instant()).orElseThrow(() -> queries.incidentExists(id)
                ? new NotFoundException("No reporting clock of " + regime + " runs on incident " + id + ".")
                : unknownIncident(id));
    }

    private static NotFoundException unknownIncident(UUID id) {
        return new NotFoundException("No incident " + id + " is known (yet: the view may lag a command by a moment).");
    }
}
