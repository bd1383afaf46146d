package io.incidenttracker.command.incident.forensics;

import io.incidenttracker.command.incident.forensics.ForensicCommands.ConcludeForensicAnalysis;
import io.incidenttracker.command.incident.forensics.ForensicCommands.RecordForensicFinding;
import io.incidenttracker.command.incident.forensics.ForensicCommands.StartForensicAnalysis;
import io.incidenttracker.command.incident.forensics.ForensicRequests.ConcludeForensicAnalysisRequest;
import io.incidenttracker.command.incident.forensics.ForensicRequests.RecordForensicFindingRequest;
import io.incidenttracker.command.incident.forensics.ForensicRequests.StartForensicAnalysisRequest;
import io.incidenttracker.command.web.CommandAccepted;
import io.incidenttracker.command.web.CommandExecutor;
import io.incidenttracker.command.web.CommandHeaders;
import io.incidenttracker.command.web.RequestChecks;
import io.incidenttracker.command.web.RequestContext;
import io.incidenttracker.platform.problem.InvalidRequest;
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

import static io.incidenttracker.command.web.RequestChecks.requireSlug;
import static io.incidenttracker.command.web.RequestChecks.times;

/** The forensic analyses of an incident: starting one, its findings, its conclusion. */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = RequestChecks.LIFE_CYCLE_COMMANDS)
class ForensicsController {

    private final RequestContext context;
    private final CommandExecutor executor;

    ForensicsController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping("/{incidentId}/forensic-analyses")
    @Operation(summary = "StartForensicAnalysis",
            description = "analysisId is a caller-chosen slug, unique within the incident (409 if taken).")
    ResponseEntity<CommandAccepted> startForensicAnalysis(
            @PathVariable UUID incidentId,
            @Valid @RequestBody StartForensicAnalysisRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("startedAt", body.startedAt()));
        StartForensicAnalysis command = new StartForensicAnalysis(incidentId, headers.expectedVersion(context),
                body.analysisId(), body.startedAt(), body.scope());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/forensic-analyses/{analysisId}/findings")
    @Operation(summary = "RecordForensicFinding",
            description = "Techniques are ATT&CK ids; indicators are opaque strings. At least one of techniques, "
                    + "indicators and text. 409 unless the analysis is open.")
    ResponseEntity<CommandAccepted> recordForensicFinding(
            @PathVariable UUID incidentId,
            @PathVariable String analysisId,
            @Valid @RequestBody RecordForensicFindingRequest body,
            CommandHeaders headers) {
        requireSlug("analysisId", analysisId);
        boolean empty = (body.techniques() == null || body.techniques().isEmpty())
                && (body.indicators() == null || body.indicators().isEmpty())
                && (body.text() == null || body.text().isBlank());
        if (empty) {
            throw new InvalidRequest("text", "a finding needs at least one of techniques, indicators and text");
        }
        context.requireNotInFuture(times("foundAt", body.foundAt()));
        RecordForensicFinding command = new RecordForensicFinding(incidentId, headers.expectedVersion(context),
                analysisId, body.foundAt(), body.techniques(), body.indicators(), body.text());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/forensic-analyses/{analysisId}/conclusion")
    @Operation(summary = "ConcludeForensicAnalysis",
            description = "409 unless the analysis is open, or if the time lies before its start.")
    ResponseEntity<CommandAccepted> concludeForensicAnalysis(
            @PathVariable UUID incidentId,
            @PathVariable String analysisId,
            @Valid @RequestBody ConcludeForensicAnalysisRequest body,
            CommandHeaders headers) {
        requireSlug("analysisId", analysisId);
        context.requireNotInFuture(times("concludedAt", body.concludedAt()));
        ConcludeForensicAnalysis command = new ConcludeForensicAnalysis(incidentId, headers.expectedVersion(context),
                analysisId, body.concludedAt(), body.conclusion());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }
}
