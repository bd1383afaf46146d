package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.incident.reporting.ReportingCommands.AssessDataImpact;
import io.incidenttracker.command.incident.reporting.ReportingCommands.ClassifyIncident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.command.incident.reporting.ReportingRequests.AssessDataImpactRequest;
import io.incidenttracker.command.incident.reporting.ReportingRequests.ClassifyIncidentRequest;
import io.incidenttracker.command.incident.reporting.ReportingRequests.NotifyAuthorityRequest;
import io.incidenttracker.command.web.CommandAccepted;
import io.incidenttracker.command.web.CommandExecutor;
import io.incidenttracker.command.web.CommandHeaders;
import io.incidenttracker.command.web.RequestChecks;
import io.incidenttracker.command.web.RequestContext;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

import static io.incidenttracker.command.web.RequestChecks.times;

/**
 * The regulatory reporting of an incident: data-impact assessments and classifications (which start reporting
 * clocks) and reports to authorities (which fulfil them).
 */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = RequestChecks.LIFE_CYCLE_COMMANDS)
class RegulatoryReportingController {

    private final RequestContext context;
    private final CommandExecutor executor;

    RegulatoryReportingController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping("/{incidentId}/data-impact-assessments")
    @Operation(summary = "AssessDataImpact: a new revision of the judgement on data",
            description = "Each call is a new revision; the latest is the current judgement. assessedAt is the time "
                    + "the judgement refers to. 409 for an estimate of people with personalData NONE_KNOWN.")
    ResponseEntity<CommandAccepted> assessDataImpact(
            @PathVariable UUID incidentId,
            @Valid @RequestBody AssessDataImpactRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("assessedAt", body.assessedAt()));
        AssessDataImpact command = new AssessDataImpact(incidentId, headers.expectedVersion(context),
                body.personalData(), body.dataCategories(), body.estimatedPeople(), body.exfiltration(),
                body.encryption(), body.rationale(), body.assessedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/authority-notifications")
    @Operation(summary = "NotifyAuthority: record a report to an authority",
            description = "authority (for example NCSC), regime (for example CH-ISG), the authority's reference if "
                    + "any. A report under a regime fulfils that regime's open reporting clock that is due first. "
                    + "409 if the same authority and reference are already recorded.")
    ResponseEntity<CommandAccepted> notifyAuthority(
            @PathVariable UUID incidentId,
            @Valid @RequestBody NotifyAuthorityRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("notifiedAt", body.notifiedAt()));
        NotifyAuthority command = new NotifyAuthority(incidentId, headers.expectedVersion(context),
                body.authority().strip(), body.regime().strip(), body.reference(), body.notifiedAt(), body.summary());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/classification")
    @Operation(summary = "ClassifyIncident: the incident's regulatory classification",
            description = "classifications is the complete set from classifiedAt on (CRITICAL_INFRASTRUCTURE_AFFECTED, "
                    + "SIGNIFICANT, MAJOR_ICT_INCIDENT, MATERIAL, HIGH_RISK_TO_DATA_SUBJECTS; empty for none). A "
                    + "classification new in it starts the reporting clocks of the regimes it triggers, counted from "
                    + "classifiedAt. 409 when the set is unchanged. Also accepted on a closed incident.")
    ResponseEntity<CommandAccepted> classifyIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ClassifyIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("classifiedAt", body.classifiedAt()));
        ClassifyIncident command = new ClassifyIncident(incidentId, headers.expectedVersion(context),
                body.classifications(), body.basis(), body.classifiedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }
}
