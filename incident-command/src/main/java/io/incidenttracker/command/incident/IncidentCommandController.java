package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.incident.IncidentRequests.CommandAccepted;
import io.incidenttracker.command.incident.IncidentRequests.DetectAttackRequest;
import io.incidenttracker.command.incident.IncidentRequests.IsolateSystemRequest;
import io.incidenttracker.command.incident.IncidentRequests.OpenIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.ReportServiceDisruptionRequest;
import io.incidenttracker.command.incident.IncidentRequests.RestoreServiceRequest;
import io.incidenttracker.command.web.CommandHeaders;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.command.web.RequestContext;
import io.incidenttracker.events.Identifiers;
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
import java.util.Map;
import java.util.UUID;

/**
 * The command API of API.md. A 2xx answer means the command's events are committed in the event store; the answer
 * carries the incident's new version, also as {@code ETag}.
 */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Incident commands")
class IncidentCommandController {

    private final RequestContext context;
    private final CommandExecutor executor;

    IncidentCommandController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping
    @Operation(summary = "DetectAttack: open an incident",
            description = "Opens an incident with its first attack wave. Answers 201 with the incident's Location "
                    + "in the query service.")
    ResponseEntity<CommandAccepted> openIncident(
            @Valid @RequestBody OpenIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(Map.of("detectedAt", body.detectedAt()));
        requireNotAfter("firstActivityAt", body.firstActivityAt(), "detectedAt", body.detectedAt());
        UUID incidentId = body.incidentId() != null ? body.incidentId() : UUID.randomUUID();
        OpenIncident command = new OpenIncident(incidentId, body.title().strip(), body.attackType(), body.severity(),
                body.detectedAt(), body.description(), body.affectedSystems(), body.techniques(),
                body.firstActivityAt());
        return execute(HttpStatus.CREATED, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/attacks")
    @Operation(summary = "DetectAttack: a further attack wave on an open incident")
    ResponseEntity<CommandAccepted> detectAttack(
            @PathVariable UUID incidentId,
            @Valid @RequestBody DetectAttackRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(Map.of("detectedAt", body.detectedAt()));
        requireNotAfter("firstActivityAt", body.firstActivityAt(), "detectedAt", body.detectedAt());
        DetectAttack command = new DetectAttack(incidentId, headers.expectedVersion(context), body.attackType(),
                body.detectedAt(), body.severity(), body.description(), body.affectedSystems(), body.techniques(),
                body.firstActivityAt());
        return execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/systems/{systemId}/isolation")
    @Operation(summary = "IsolateSystem")
    ResponseEntity<CommandAccepted> isolateSystem(
            @PathVariable UUID incidentId,
            @PathVariable String systemId,
            @Valid @RequestBody IsolateSystemRequest body,
            CommandHeaders headers) {
        requireSlug("systemId", systemId);
        context.requireNotInFuture(Map.of("isolatedAt", body.isolatedAt()));
        IsolateSystem command = new IsolateSystem(incidentId, headers.expectedVersion(context), systemId,
                body.isolatedAt(), body.reason(), body.method());
        return execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/services/{serviceId}/disruption")
    @Operation(summary = "ReportServiceDisruption")
    ResponseEntity<CommandAccepted> reportServiceDisruption(
            @PathVariable UUID incidentId,
            @PathVariable String serviceId,
            @Valid @RequestBody ReportServiceDisruptionRequest body,
            CommandHeaders headers) {
        requireSlug("serviceId", serviceId);
        context.requireNotInFuture(Map.of("since", body.since()));
        ReportServiceDisruption command = new ReportServiceDisruption(incidentId, headers.expectedVersion(context),
                serviceId, body.impact(), body.since(), body.description());
        return execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/services/{serviceId}/restoration")
    @Operation(summary = "RestoreService", description = "Refused with 409 unless the service is disrupted.")
    ResponseEntity<CommandAccepted> restoreService(
            @PathVariable UUID incidentId,
            @PathVariable String serviceId,
            @Valid @RequestBody RestoreServiceRequest body,
            CommandHeaders headers) {
        requireSlug("serviceId", serviceId);
        context.requireNotInFuture(Map.of("restoredAt", body.restoredAt()));
        RestoreService command = new RestoreService(incidentId, headers.expectedVersion(context), serviceId,
                body.restoredAt(), body.note());
        return execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    private ResponseEntity<CommandAccepted> execute(HttpStatus success, Object command, UUID incidentId, Object body,
                                                    CommandHeaders headers) {
        return executor.execute(success, command, incidentId, body, headers);
    }

    static void requireSlug(String field, String value) {
        if (!Identifiers.isSlug(value)) {
            throw new InvalidRequest(field, "must be a lower-case slug matching " + Identifiers.SLUG_REGEX);
        }
    }

    /** A time that must not lie after another one of the same request (400, not 409: the request contradicts itself). */
    static void requireNotAfter(String field, Instant value, String otherField, Instant other) {
        if (value != null && other != null && value.isAfter(other)) {
            throw new InvalidRequest(field, "must not lie after " + otherField);
        }
    }
}
