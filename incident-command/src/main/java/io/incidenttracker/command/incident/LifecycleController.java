package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.CloseIncident;
import io.incidenttracker.command.incident.IncidentCommands.DeclareContainment;
import io.incidenttracker.command.incident.IncidentCommands.LinkIncident;
import io.incidenttracker.command.incident.IncidentCommands.PublishStatusUpdate;
import io.incidenttracker.command.incident.IncidentCommands.ReopenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ResolveIncident;
import io.incidenttracker.command.incident.IncidentRequests.CloseIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.DeclareContainmentRequest;
import io.incidenttracker.command.incident.IncidentRequests.LinkIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.PublishStatusUpdateRequest;
import io.incidenttracker.command.incident.IncidentRequests.ReopenIncidentRequest;
import io.incidenttracker.command.incident.IncidentRequests.ResolveIncidentRequest;
import io.incidenttracker.command.web.CommandAccepted;
import io.incidenttracker.command.web.CommandExecutor;
import io.incidenttracker.command.web.CommandHeaders;
import io.incidenttracker.command.web.RequestChecks;
import io.incidenttracker.command.web.RequestContext;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.PublicImpact;
import io.incidenttracker.events.incident.PublicStatus;
import io.incidenttracker.platform.problem.FieldProblem;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.incidenttracker.command.web.RequestChecks.times;

/**
 * The course of an incident (containment, resolution, closure, reopening) and what accompanies it: status updates to
 * an audience and links to other incidents.
 */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = RequestChecks.LIFE_CYCLE_COMMANDS)
class LifecycleController {

    private final RequestContext context;
    private final CommandExecutor executor;

    LifecycleController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping("/{incidentId}/containment")
    @Operation(summary = "DeclareContainment: the attack no longer spreads",
            description = "DETECTED -> CONTAINED. 409 unless DETECTED, or if the time lies before the latest "
                    + "wave's detection.")
    ResponseEntity<CommandAccepted> declareContainment(
            @PathVariable UUID incidentId,
            @Valid @RequestBody DeclareContainmentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("containedAt", body.containedAt()));
        DeclareContainment command = new DeclareContainment(incidentId, headers.expectedVersion(context),
                body.containedAt(), body.summary());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/resolution")
    @Operation(summary = "ResolveIncident",
            description = "CONTAINED -> RESOLVED. 409 unless CONTAINED.")
    ResponseEntity<CommandAccepted> resolveIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ResolveIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("resolvedAt", body.resolvedAt()));
        ResolveIncident command = new ResolveIncident(incidentId, headers.expectedVersion(context),
                body.resolvedAt(), body.summary());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/closure")
    @Operation(summary = "CloseIncident with a post-incident summary",
            description = "RESOLVED -> CLOSED. 409 while a service is disrupted, a system isolated or a forensic "
                    + "analysis open, unless waiverReason says why that is accepted.")
    ResponseEntity<CommandAccepted> closeIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody CloseIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("closedAt", body.closedAt()));
        CloseIncident command = new CloseIncident(incidentId, headers.expectedVersion(context), body.closedAt(),
                body.postIncidentSummary(), body.waiverReason());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/reopening")
    @Operation(summary = "ReopenIncident, for example for a new attack wave",
            description = "RESOLVED or CLOSED -> DETECTED. 409 otherwise.")
    ResponseEntity<CommandAccepted> reopenIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody ReopenIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("reopenedAt", body.reopenedAt()));
        ReopenIncident command = new ReopenIncident(incidentId, headers.expectedVersion(context), body.reopenedAt(),
                body.reason().strip());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/status-updates")
    @Operation(summary = "PublishStatusUpdate to an INTERNAL or PUBLIC audience",
            description = "Also accepted on a closed incident. headline, status and impact are for the PUBLIC "
                    + "audience only (400 otherwise); the incident's first PUBLIC update needs a headline (409 "
                    + "otherwise), its public name on the status page.")
    ResponseEntity<CommandAccepted> publishStatusUpdate(
            @PathVariable UUID incidentId,
            @Valid @RequestBody PublishStatusUpdateRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("publishedAt", body.publishedAt()));
        if (body.audience() != Audience.PUBLIC) {
            List<FieldProblem> publicOnly = new ArrayList<>();
            for (String field : List.of("headline", "status", "impact")) {
                Object value = field.equals("headline") ? body.headline()
                        : field.equals("status") ? body.status() : body.impact();
                if (value != null) {
                    publicOnly.add(new FieldProblem(field, "is given only with the PUBLIC audience"));
                }
            }
            if (!publicOnly.isEmpty()) {
                throw new InvalidRequest(publicOnly);
            }
        }
        if (body.headline() != null && body.headline().isBlank()) {
            throw new InvalidRequest("headline", "must not be blank");
        }
        PublishStatusUpdate command = new PublishStatusUpdate(incidentId, headers.expectedVersion(context),
                body.audience(), body.text().strip(), body.headline() == null ? null : body.headline().strip(),
                body.status() == null ? null : PublicStatus.valueOf(body.status().toUpperCase(Locale.ROOT)),
                body.impact() == null ? null : PublicImpact.valueOf(body.impact().toUpperCase(Locale.ROOT)),
                body.publishedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }

    @PostMapping("/{incidentId}/links")
    @Operation(summary = "LinkIncident: relate another incident to this one",
            description = "409 for a link to itself or an existing link. The linked incident is not checked here; "
                    + "the query side shows the link on both.")
    ResponseEntity<CommandAccepted> linkIncident(
            @PathVariable UUID incidentId,
            @Valid @RequestBody LinkIncidentRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("linkedAt", body.linkedAt()));
        LinkIncident command = new LinkIncident(incidentId, headers.expectedVersion(context),
                body.linkedIncidentId(), body.relation(), body.reason(), body.linkedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }
}
