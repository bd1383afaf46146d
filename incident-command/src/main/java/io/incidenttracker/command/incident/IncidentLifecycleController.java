package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.AssessDataImpact;
import io.incidenttracker.command.incident.IncidentCommands.AssignIncidentCommander;
import io.incidenttracker.command.incident.IncidentCommands.ChangeSeverity;
import io.incidenttracker.command.incident.IncidentCommands.ClassifyIncident;
import io.incidenttracker.command.incident.IncidentCommands.CloseIncident;
import io.incidenttracker.command.incident.IncidentCommands.ConcludeForensicAnalysis;
import io.incidenttracker.command.incident.IncidentCommands.CorrectOccurredAt;
import io.incidenttracker.command.incident.IncidentCommands.DeclareContainment;
import io.incidenttracker.command.incident.IncidentCommands.EstimateFirstActivity;
import io.incidenttracker.command.incident.IncidentCommands.LinkIncident;
import io.incidenttracker.command.incident.IncidentCommands.NotifyAuthority;
import io.incidenttracker.command.incident.IncidentCommands.PublishStatusUpdate;
import io.incidenttracker.command.incident.IncidentCommands.ReconnectSystem;
import io.incidenttracker.command.incident.IncidentCommands.RecordForensicFinding;
import io.incidenttracker.command.incident.IncidentCommands.ReopenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ResolveIncident;
import io.incidenttracker.command.incident.IncidentCommands.StartForensicAnalysis;
import io.incidenttracker.command.incident.IncidentRequests.AssessDataImpactRequest;
import io.incidenttracker.command.incident.IncidentRequests.AssignIncidentCommanderRequest;
import io.incidenttracker.command.incident.IncidentRequests.ChangeSeverityRequest;
import io.incidenttracker.command.incident.IncidentRequests.ClassifyIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.CloseIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.ConcludeForensicAnalysisRequest;
import io.incidenttracker.command.incident.IncidentRequests.CorrectOccurredAtRequest;
import io.incidenttracker.command.incident.IncidentRequests.DeclareContainmentRequest;
import io.incidenttracker.command.incident.IncidentRequests.EstimateFirstActivityRequest;
import io.incidenttracker.command.incident.IncidentRequests.LinkIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.NotifyAuthorityRequest;
import io.incidenttracker.command.incident.IncidentRequests.PublishStatusUpdateRequest;
import io.incidenttracker.command.incident.IncidentRequests.ReconnectSystemRequest;
import io.incidenttracker.command.incident.IncidentRequests.RecordForensicFindingRequest;
import io.incidenttracker.command.incident.IncidentRequests.ReopenIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.ResolveIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.StartForensicAnalysisRequest;
import io.incidenttracker.command.incident.IncidentRequests.CommandAccepted;
import io.incidenttracker.command.web.CommandHeaders;
import io.incidenttracker.platform.problem.InvalidRequest;
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

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static io.incidenttracker.command.incident.IncidentCommandController.requireSlug;

/**
 * The commands beyond the five of API.md, in the same style: the incident's life cycle, forensics, data-impact
 * assessments, notifications, status updates, links and corrections. Same answers, same headers (If-Match,
 * Idempotency-Key, X-Correlation-Id) as {@link IncidentCommandController}.
 */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Incident life cycle commands")
class IncidentLifecycleController {

    private final RequestContext context;
    private final CommandExecutor executor;

    IncidentLifecycleController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping("/{incidentId}/attacks/{wave}/first-activity")
    @Operation(summary = "EstimateFirstActivity: when the attacker's activity of a wave began",
            description = "Revises the earliest known attacker activity of a wave (time to detect starts there). 409 for an unknown wave or a time after the wave's detection.")
    ResponseEntity<CommandAccepted> estimateFirstActivity(
            @PathVariable UUID incidentId,
            @PathVariable int wave,
            @Valid @RequestBody EstimateFirstActivityRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("firstActivityAt", body.firstActivityAt(), "estimatedAt", body.estimatedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new EstimateFirstActivity(incidentId, version, wave, body.firstActivityAt(), body.basis(), body.estimatedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/severity")
    @Operation(summary = "ChangeSeverity: raise or lower the severity, with a reason",
            description = "409 if the severity is already the requested one, or the incident is closed.")
    ResponseEntity<CommandAccepted> changeSeverity(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ChangeSeverityRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("changedAt", body.changedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new ChangeSeverity(incidentId, version, body.severity(), body.reason().strip(), body.changedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/commander")
    @Operation(summary = "AssignIncidentCommander",
            description = "commanderId is a principal id (login or directory id), never a name or an e-mail address: events carry no personal data. 409 if already the commander.")
    ResponseEntity<CommandAccepted> assignIncidentCommander(
            @PathVariable UUID incidentId,
            @Valid @RequestBody AssignIncidentCommanderRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("assignedAt", body.assignedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new AssignIncidentCommander(incidentId, version, body.commanderId(), body.assignedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/systems/{systemId}/reconnection")
    @Operation(summary = "ReconnectSystem: an isolated system found clean is connected again",
            description = "409 unless the system is isolated, or if the time lies before its isolation.")
    ResponseEntity<CommandAccepted> reconnectSystem(
            @PathVariable UUID incidentId,
            @PathVariable String systemId,
            @Valid @RequestBody ReconnectSystemRequest body,
            CommandHeaders headers) {
        requireSlug("systemId", systemId);
        context.requireNotInFuture(times("reconnectedAt", body.reconnectedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new ReconnectSystem(incidentId, version, systemId, body.reconnectedAt(), body.note()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/containment")
    @Operation(summary = "DeclareContainment: the attack no longer spreads",
            description = "DETECTED -> CONTAINED. 409 unless DETECTED, or if the time lies before the latest wave's detection.")
    ResponseEntity<CommandAccepted> declareContainment(
            @PathVariable UUID incidentId,
            @Valid @RequestBody DeclareContainmentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("containedAt", body.containedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new DeclareContainment(incidentId, version, body.containedAt(), body.summary()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/resolution")
    @Operation(summary = "ResolveIncident",
            description = "CONTAINED -> RESOLVED. 409 unless CONTAINED.")
    ResponseEntity<CommandAccepted> resolveIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ResolveIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("resolvedAt", body.resolvedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new ResolveIncident(incidentId, version, body.resolvedAt(), body.summary()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/closure")
    @Operation(summary = "CloseIncident with a post-incident summary",
            description = "RESOLVED -> CLOSED. 409 while a service is disrupted, a system isolated or a forensic analysis open, unless waiverReason says why that is accepted.")
    ResponseEntity<CommandAccepted> closeIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody CloseIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("closedAt", body.closedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new CloseIncident(incidentId, version, body.closedAt(), body.postIncidentSummary(), body.waiverReason()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/reopening")
    @Operation(summary = "ReopenIncident, for example for a new attack wave",
            description = "RESOLVED or CLOSED -> DETECTED. 409 otherwise.")
    ResponseEntity<CommandAccepted> reopenIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ReopenIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("reopenedAt", body.reopenedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new ReopenIncident(incidentId, version, body.reopenedAt(), body.reason().strip()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/forensic-analyses")
    @Operation(summary = "StartForensicAnalysis",
            description = "analysisId is a caller-chosen slug, unique within the incident (409 if taken).")
    ResponseEntity<CommandAccepted> startForensicAnalysis(
            @PathVariable UUID incidentId,
            @Valid @RequestBody StartForensicAnalysisRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("startedAt", body.startedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new StartForensicAnalysis(incidentId, version, body.analysisId(), body.startedAt(), body.scope()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/forensic-analyses/{analysisId}/findings")
    @Operation(summary = "RecordForensicFinding",
            description = "Techniques are ATT&CK ids; indicators are opaque strings. At least one of techniques, indicators and text. 409 unless the analysis is open.")
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
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new RecordForensicFinding(incidentId, version, analysisId, body.foundAt(), body.techniques(), body.indicators(), body.text()), incidentId, body, headers);
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
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new ConcludeForensicAnalysis(incidentId, version, analysisId, body.concludedAt(), body.conclusion()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/data-impact-assessments")
    @Operation(summary = "AssessDataImpact: a new revision of the judgement on data",
            description = "Each call is a new revision; the latest is the current judgement. assessedAt is the time the judgement refers to. 409 for an estimate of people with personalData NONE_KNOWN.")
    ResponseEntity<CommandAccepted> assessDataImpact(
            @PathVariable UUID incidentId,
            @Valid @RequestBody AssessDataImpactRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("assessedAt", body.assessedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new AssessDataImpact(incidentId, version, body.personalData(), body.dataCategories(), body.estimatedPeople(), body.exfiltration(), body.encryption(), body.rationale(), body.assessedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/authority-notifications")
    @Operation(summary = "NotifyAuthority: record a report to an authority",
            description = "authority (for example NCSC), regime (for example CH-ISG), the authority's reference if any. A report under a regime fulfils that regime's open reporting clock that is due first. 409 if the same authority and reference are already recorded.")
    ResponseEntity<CommandAccepted> notifyAuthority(
            @PathVariable UUID incidentId,
            @Valid @RequestBody NotifyAuthorityRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("notifiedAt", body.notifiedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new NotifyAuthority(incidentId, version, body.authority().strip(), body.regime().strip(), body.reference(), body.notifiedAt(), body.summary()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/classification")
    @Operation(summary = "ClassifyIncident: the incident's regulatory classification",
            description = "classifications is the complete set from classifiedAt on (CRITICAL_INFRASTRUCTURE_AFFECTED, SIGNIFICANT, MAJOR_ICT_INCIDENT, MATERIAL, HIGH_RISK_TO_DATA_SUBJECTS; empty for none). A classification new in it starts the reporting clocks of the regimes it triggers, counted from classifiedAt. 409 when the set is unchanged. Also accepted on a closed incident.")
    ResponseEntity<CommandAccepted> classifyIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ClassifyIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("classifiedAt", body.classifiedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new ClassifyIncident(incidentId, version, body.classifications(), body.basis(), body.classifiedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/status-updates")
    @Operation(summary = "PublishStatusUpdate to an INTERNAL or PUBLIC audience",
            description = "Also accepted on a closed incident.")
    ResponseEntity<CommandAccepted> publishStatusUpdate(
            @PathVariable UUID incidentId,
            @Valid @RequestBody PublishStatusUpdateRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("publishedAt", body.publishedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new PublishStatusUpdate(incidentId, version, body.audience(), body.text(), body.publishedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/links")
    @Operation(summary = "LinkIncident: relate another incident to this one",
            description = "409 for a link to itself or an existing link. The linked incident is not checked here; the query side shows the link on both.")
    ResponseEntity<CommandAccepted> linkIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody LinkIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("linkedAt", body.linkedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new LinkIncident(incidentId, version, body.linkedIncidentId(), body.relation(), body.reason(), body.linkedAt()), incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/corrections")
    @Operation(summary = "CorrectOccurredAt: correct when an earlier event happened",
            description = "sequence names the corrected event (as in the timeline); the event stays, a correction event is added and views show the corrected time. 409 for an unknown event, a correction, or an unchanged time.")
    ResponseEntity<CommandAccepted> correctOccurredAt(
            @PathVariable UUID incidentId,
            @Valid @RequestBody CorrectOccurredAtRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("occurredAt", body.occurredAt(), "correctedAt", body.correctedAt()));
        Long version = headers.expectedVersion(context);
        return executor.execute(HttpStatus.OK, new CorrectOccurredAt(incidentId, version, body.sequence(), body.occurredAt(), body.reason().strip(), body.correctedAt()), incidentId, body, headers);
    }

    /** Field name, time, field name, time, ... (Map.of refuses the nulls of optional times). */
    private static Map<String, Instant> times(Object... fieldsAndTimes) {
        Map<String, Instant> times = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndTimes.length; i += 2) {
            times.put((String) fieldsAndTimes[i], (Instant) fieldsAndTimes[i + 1]);
        }
        return times;
    }
}
