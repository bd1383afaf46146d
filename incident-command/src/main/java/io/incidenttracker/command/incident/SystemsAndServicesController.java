package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.ReconnectSystem;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.incident.IncidentRequests.IsolateSystemRequest;
import io.incidenttracker.command.incident.IncidentRequests.ReconnectSystemRequest;
import io.incidenttracker.command.incident.IncidentRequests.ReportServiceDisruptionRequest;
import io.incidenttracker.command.incident.IncidentRequests.RestoreServiceRequest;
import io.incidenttracker.command.web.CommandAccepted;
import io.incidenttracker.command.web.CommandExecutor;
import io.incidenttracker.command.web.CommandHeaders;
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

import static io.incidenttracker.command.web.RequestChecks.INCIDENT_COMMANDS;
import static io.incidenttracker.command.web.RequestChecks.LIFE_CYCLE_COMMANDS;
import static io.incidenttracker.command.web.RequestChecks.requireSlug;
import static io.incidenttracker.command.web.RequestChecks.times;

/**
 * The systems and services an incident affects: isolating and reconnecting systems, disrupted and restored services.
 */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
class SystemsAndServicesController {

    private final RequestContext context;
    private final CommandExecutor executor;

    SystemsAndServicesController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping("/{incidentId}/systems/{systemId}/isolation")
    @Tag(name = INCIDENT_COMMANDS)
    @Operation(summary = "IsolateSystem")
    ResponseEntity<CommandAccepted> isolateSystem(
            @PathVariable UUID incidentId,
            @PathVariable String systemId,
            @Valid @RequestBody IsolateSystemRequest body,
            CommandHeaders headers) {
        requireSlug("systemId", systemId);
        context.requireNotInFuture(times("isolatedAt", body.isolatedAt()));
        IsolateSystem command = new IsolateSystem(incidentId, headers.expectedVersion(context), systemId,
                body.isolatedAt(), body.reason(), body.method());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/systems/{systemId}/reconnection")
    @Tag(name = LIFE_CYCLE_COMMANDS)
    @Operation(summary = "ReconnectSystem: an isolated system found clean is connected again",
            description = "409 unless the system is isolated, or if the time lies before its isolation.")
    ResponseEntity<CommandAccepted> reconnectSystem(
            @PathVariable UUID incidentId,
            @PathVariable String systemId,
            @Valid @RequestBody ReconnectSystemRequest body,
            CommandHeaders headers) {
        requireSlug("systemId", systemId);
        context.requireNotInFuture(times("reconnectedAt", body.reconnectedAt()));
        ReconnectSystem command = new ReconnectSystem(incidentId, headers.expectedVersion(context), systemId,
                body.reconnectedAt(), body.note());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/services/{serviceId}/disruption")
    @Tag(name = INCIDENT_COMMANDS)
    @Operation(summary = "ReportServiceDisruption")
    ResponseEntity<CommandAccepted> reportServiceDisruption(
            @PathVariable UUID incidentId,
            @PathVariable String serviceId,
            @Valid @RequestBody ReportServiceDisruptionRequest body,
            CommandHeaders headers) {
        requireSlug("serviceId", serviceId);
        context.requireNotInFuture(times("since", body.since()));
        ReportServiceDisruption command = new ReportServiceDisruption(incidentId, headers.expectedVersion(context),
                serviceId, body.impact(), body.since(), body.description());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/services/{serviceId}/restoration")
    @Tag(name = INCIDENT_COMMANDS)
    @Operation(summary = "RestoreService", description = "Refused with 409 unless the service is disrupted.")
    ResponseEntity<CommandAccepted> restoreService(
            @PathVariable UUID incidentId,
            @PathVariable String serviceId,
            @Valid @RequestBody RestoreServiceRequest body,
            CommandHeaders headers) {
        requireSlug("serviceId", serviceId);
        context.requireNotInFuture(times("restoredAt", body.restoredAt()));
        RestoreService command = new RestoreService(incidentId, headers.expectedVersion(context), serviceId,
                body.restoredAt(), body.note());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }
}
