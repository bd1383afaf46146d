package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.AssignIncidentCommander;
import io.incidenttracker.command.incident.IncidentCommands.ChangeSeverity;
import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.EstimateFirstActivity;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentRequests.AssignIncidentCommanderRequest;
import io.incidenttracker.command.incident.IncidentRequests.ChangeSeverityRequest;
import io.incidenttracker.command.incident.IncidentRequests.DetectAttackRequest;
import io.incidenttracker.command.incident.IncidentRequests.EstimateFirstActivityRequest;
import io.incidenttracker.command.incident.IncidentRequests.OpenIncidentRequest;
import io.incidenttracker.command.web.CommandAccepted;
import io.incidenttracker.command.web.CommandExecutor;
import io.incidenttracker.command.web.CommandHeaders;
import io.incidenttracker.command.web.RequestContext;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
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

import static io.incidenttracker.command.web.RequestChecks.INCIDENT_COMMANDS;
import static io.incidenttracker.command.web.RequestChecks.LIFE_CYCLE_COMMANDS;
import static io.incidenttracker.command.web.RequestChecks.requireNotAfter;
import static io.incidenttracker.command.web.RequestChecks.times;

/**
 * Detection and command of an incident: opening it with its first attack wave, further waves, when the attacker's
 * activity began, its severity and its incident commander. A 2xx answer means the command's events are committed in
 * the event store; the answer carries the incident's new version, also as {@code ETag}.
 */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
class DetectionController {

    private final RequestContext context;
    private final CommandExecutor executor;

    DetectionController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping
    @Tag(name = INCIDENT_COMMANDS)
    @Operation(summary = "DetectAttack: open an incident",
            description = "Opens an incident with its first attack wave. Answers 201 with the incident's Location "
                    + "in the query service.")
    @ApiResponse(responseCode = "201", description = "Opened: the incident's id and version 0; Location names the "
            + "incident in the query service")
    ResponseEntity<CommandAccepted> openIncident(
            @Valid @RequestBody OpenIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("detectedAt", body.detectedAt()));
        requireNotAfter("firstActivityAt", body.firstActivityAt(), "detectedAt", body.detectedAt());
        UUID incidentId = body.incidentId() != null ? body.incidentId() : UUID.randomUUID();
        OpenIncident command = new OpenIncident(incidentId, body.title().strip(), body.attackType(), body.severity(),
                body.detectedAt(), body.description(), body.affectedSystems(), body.techniques(),
                body.firstActivityAt());
        return executor.execute(HttpStatus.CREATED, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/attacks")
    @Tag(name = INCIDENT_COMMANDS)
    @Operation(summary = "DetectAttack: a further attack wave on an open incident")
    ResponseEntity<CommandAccepted> detectAttack(
            @PathVariable UUID incidentId,
            @Valid @RequestBody DetectAttackRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("detectedAt", body.detectedAt()));
        requireNotAfter("firstActivityAt", body.firstActivityAt(), "detectedAt", body.detectedAt());
        DetectAttack command = new DetectAttack(incidentId, headers.expectedVersion(context), body.attackType(),
                body.detectedAt(), body.severity(), body.description(), body.affectedSystems(), body.techniques(),
                body.firstActivityAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/attacks/{wave}/first-activity")
    @Tag(name = LIFE_CYCLE_COMMANDS)
    @Operation(summary = "EstimateFirstActivity: when the attacker's activity of a wave began",
            description = "Revises the earliest known attacker activity of a wave (time to detect starts there). "
                    + "409 for an unknown wave or a time after the wave's detection.")
    ResponseEntity<CommandAccepted> estimateFirstActivity(
            @PathVariable UUID incidentId,
            @PathVariable int wave,
            @Valid @RequestBody EstimateFirstActivityRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("firstActivityAt", body.firstActivityAt(), "estimatedAt", body.estimatedAt()));
        EstimateFirstActivity command = new EstimateFirstActivity(incidentId, headers.expectedVersion(context), wave,
                body.firstActivityAt(), body.basis(), body.estimatedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/severity")
    @Tag(name = LIFE_CYCLE_COMMANDS)
    @Operation(summary = "ChangeSeverity: raise or lower the severity, with a reason",
            description = "409 if the severity is already the requested one, or the incident is closed.")
    ResponseEntity<CommandAccepted> changeSeverity(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ChangeSeverityRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("changedAt", body.changedAt()));
        ChangeSeverity command = new ChangeSeverity(incidentId, headers.expectedVersion(context), body.severity(),
                body.reason().strip(), body.changedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/commander")
    @Tag(name = LIFE_CYCLE_COMMANDS)
    @Operation(summary = "AssignIncidentCommander",
            description = "commanderId is a principal id (login or directory id), never a name or an e-mail "
                    + "address: events carry no personal data. 409 if already the commander.")
    ResponseEntity<CommandAccepted> assignIncidentCommander(
            @PathVariable UUID incidentId,
            @Valid @RequestBody AssignIncidentCommanderRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("assignedAt", body.assignedAt()));
        AssignIncidentCommander command = new AssignIncidentCommander(incidentId, headers.expectedVersion(context),
                body.commanderId(), body.assignedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }
}
