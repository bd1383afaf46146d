package io.incidenttracker.command.incident.correction;

import io.incidenttracker.command.incident.correction.CorrectionCommands.CorrectOccurredAt;
import io.incidenttracker.command.incident.correction.CorrectionRequests.CorrectOccurredAtRequest;
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

/** Corrections of what an incident's earlier events state. */
@RestController
@RequestMapping(path = "/api/incidents", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = RequestChecks.LIFE_CYCLE_COMMANDS)
class CorrectionController {

    private final RequestContext context;
    private final CommandExecutor executor;

    CorrectionController(RequestContext context, CommandExecutor executor) {
        this.context = context;
        this.executor = executor;
    }

    @PostMapping("/{incidentId}/corrections")
    @Operation(summary = "CorrectOccurredAt: correct when an earlier event happened",
            description = "sequence names the corrected event (as in the timeline); the event stays, a correction "
                    + "event is added and views show the corrected time. 409 for an unknown event, a correction, "
                    + "or an unchanged time.")
    ResponseEntity<CommandAccepted> correctOccurredAt(
            @PathVariable UUID incidentId,
            @Valid @RequestBody CorrectOccurredAtRequest body,
            CommandHeaders headers) {
        context.requireNotInFuture(times("occurredAt", body.occurredAt(), "correctedAt", body.correctedAt()));
        CorrectOccurredAt command = new CorrectOccurredAt(incidentId, headers.expectedVersion(context),
                body.sequence(), body.occurredAt(), body.reason().strip(), body.correctedAt());
        return executor.execute(HttpStatus.OK, command, incidentId, body, headers);
    }
}
