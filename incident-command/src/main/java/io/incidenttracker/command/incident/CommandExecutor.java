package io.incidenttracker.command.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.command.idempotency.IdempotentExecutor;
import io.incidenttracker.command.idempotency.IdempotentExecutor.Outcome;
import io.incidenttracker.command.incident.IncidentRequests.CommandAccepted;
import io.incidenttracker.command.web.RequestContext;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.UUID;

/** What every command endpoint does once its request is checked: send, answer the version, honour the headers. */
@Component
class CommandExecutor {

    private final CommandGateway commandGateway;
    private final RequestContext context;
    private final IdempotentExecutor idempotency;
    private final ObjectMapper objectMapper;
    private final String queryBaseUrl;

    CommandExecutor(CommandGateway commandGateway, RequestContext context, IdempotentExecutor idempotency,
                    ObjectMapper objectMapper,
                    @Value("${incidenttracker.query-base-url:http://localhost:8082}") String queryBaseUrl) {
        this.commandGateway = commandGateway;
        this.context = context;
        this.idempotency = idempotency;
        this.objectMapper = objectMapper;
        this.queryBaseUrl = queryBaseUrl;
    }

    /**
     * Sends the command and answers with the incident's new version; with an Idempotency-Key, a repeat of the same
     * request answers the first answer again and appends nothing.
     */
    ResponseEntity<CommandAccepted> execute(HttpStatus success, Object command, UUID incidentId, Object body,
                                            String ifMatch, String correlationHeader, String idempotencyKey,
                                            Authentication authentication, HttpServletRequest request) {
        String correlationId = context.correlationId(correlationHeader);
        Outcome outcome = idempotency.execute(authentication.getName(), idempotencyKey,
                fingerprint(request, ifMatch, body), () -> {
                    Long version = commandGateway.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                            .andMetaData(context.metaData(authentication, correlationId)));
                    return new Outcome(success.value(), incidentId, version, false);
                });
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(outcome.status())
                .eTag("\"" + outcome.version() + "\"")
                .header(RequestContext.CORRELATION_HEADER, correlationId);
        if (outcome.replayed()) {
            answer.header("Idempotent-Replayed", "true");
        }
        if (outcome.status() == HttpStatus.CREATED.value()) {
            answer.location(URI.create(queryBaseUrl + "/api/incidents/" + outcome.incidentId()));
        }
        return answer.body(new CommandAccepted(outcome.incidentId(), outcome.version()));
    }

    private String fingerprint(HttpServletRequest request, String ifMatch, Object body) {
        try {
            return request.getMethod() + " " + request.getRequestURI() + "\nIf-Match: " + ifMatch + "\n"
                    + objectMapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
