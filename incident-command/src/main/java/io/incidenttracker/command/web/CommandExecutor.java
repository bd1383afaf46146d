package io.incidenttracker.command.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.command.idempotency.AlreadyAnswered;
import io.incidenttracker.command.idempotency.IdempotencyInterceptor.Outcome;
import io.incidenttracker.command.idempotency.IdempotencyInterceptor;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.platform.web.LogContextFilter;
import io.incidenttracker.platform.web.TraceContext;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What every command endpoint does once its request is checked: send the command, answer the incident's new version,
 * honour the headers (Idempotency-Key, X-Correlation-Id). The feature controllers share it.
 */
@Component
public class CommandExecutor {

    private final CommandGateway commandGateway;
    private final RequestContext context;
    private final ObjectMapper objectMapper;
    private final String queryBaseUrl;

    CommandExecutor(CommandGateway commandGateway, RequestContext context, ObjectMapper objectMapper,
                    @Value("${incidenttracker.query-base-url:http://localhost:8082}") String queryBaseUrl) {
        this.commandGateway = commandGateway;
        this.context = context;
        this.objectMapper = objectMapper;
        this.queryBaseUrl = queryBaseUrl;
    }

    /**
     * Sends the command and answers with the incident's new version; with an Idempotency-Key, a repeat of the same
     * request answers the first answer again and appends nothing.
     */
    public ResponseEntity<CommandAccepted> execute(HttpStatus success, Object command, UUID incidentId, Object body,
                                                   CommandHeaders headers) {
        String correlationId = headers.correlationId();
        String idempotencyKey = headers.idempotencyKey();
        Map<String, Object> metaData = new HashMap<>(context.metaData(headers.authentication(), correlationId));
        LogContextFilter.currentTrace().ifPresent(trace -> metaData.put(TraceContext.HEADER, trace.header()));
        MDC.put(LogContextFilter.MDC_INCIDENT_ID, incidentId.toString());
        if (idempotencyKey != null) {
            if (idempotencyKey.isEmpty() || idempotencyKey.length() > 200) {
                throw new InvalidRequest("Idempotency-Key", "must have 1 to 200 characters");
            }
            metaData.put(IdempotencyInterceptor.KEY, idempotencyKey);
            metaData.put(IdempotencyInterceptor.FINGERPRINT, fingerprint(headers, body));
            metaData.put(IdempotencyInterceptor.SUCCESS_STATUS, success.value());
            metaData.put("incidentId", incidentId.toString());
        }
        Outcome outcome = send(GenericCommandMessage.asCommandMessage(command).andMetaData(metaData), success,
                incidentId);
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

    private Outcome send(CommandMessage<?> message, HttpStatus success, UUID incidentId) {
        try {
            Object result = commandGateway.sendAndWait(message);
            return result instanceof Outcome answered ? answered
                    : new Outcome(success.value(), incidentId, (Long) result, false);
        } catch (RuntimeException e) {
            // a repeat of a keyed request: its unit of work rolled back, the first answer is the answer
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof AlreadyAnswered repeat) {
                    return repeat.outcome();
                }
            }
            throw e;
        }
    }

    private String fingerprint(CommandHeaders headers, Object body) {
        try {
            return headers.method() + " " + headers.path() + "\nIf-Match: " + headers.ifMatch() + "\n"
                    + objectMapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
