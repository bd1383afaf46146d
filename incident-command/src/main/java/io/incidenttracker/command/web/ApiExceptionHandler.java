package io.incidenttracker.command.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.incidenttracker.command.idempotency.IdempotencyKeyReused;
import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.platform.problem.FieldProblem;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.platform.problem.Problems;
import io.incidenttracker.platform.web.CorrelationId;
import jakarta.servlet.http.HttpServletRequest;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.modelling.command.ConflictingAggregateVersionException;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Turns every failure into an RFC 9457 problem. Client mistakes are 4xx with a precise detail; a 5xx is only ever
 * a fault of ours, logged with its correlation id.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<Object> invalidRequest(InvalidRequest e) {
        return problem(Problems.invalid(e.getMessage(), e.errors()));
    }

    @ExceptionHandler(IncidentRuleViolation.class)
    ResponseEntity<Object> ruleViolation(IncidentRuleViolation e) {
        return problem(Problems.of(HttpStatus.CONFLICT, Problems.RULE_VIOLATION,
                "The command breaks a rule of the incident's current state", e.getMessage()));
    }

    @ExceptionHandler(VersionMismatch.class)
    ResponseEntity<Object> versionMismatch(VersionMismatch e) {
        ProblemDetail problem = Problems.of(HttpStatus.PRECONDITION_FAILED, Problems.VERSION_MISMATCH,
                "The incident has changed", e.getMessage());
        problem.setProperty(Problems.CURRENT_VERSION, e.actual());
        return ResponseEntity.status(HttpStatus.PRECONDITION_FAILED)
                .eTag("\"" + e.actual() + "\"")
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @ExceptionHandler(IdempotencyKeyReused.class)
    ResponseEntity<Object> idempotencyKeyReused(IdempotencyKeyReused e) {
        return problem(Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, Problems.IDEMPOTENCY_KEY_REUSED,
                "Idempotency-Key reused", e.getMessage()));
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ResponseEntity<Object> unknownIncident(AggregateNotFoundException e) {
        return problem(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Unknown incident",
                "No incident " + e.getAggregateIdentifier() + " exists"));
    }

    /** Another command changed the incident between load and commit, or the incident id is already taken. */
    @ExceptionHandler({ConcurrencyException.class, ConflictingAggregateVersionException.class})
    ResponseEntity<Object> concurrentChange(RuntimeException e) {
        return problem(Problems.of(HttpStatus.CONFLICT, Problems.CONCURRENT_CHANGE,
                "The incident was changed concurrently or already exists",
                "Nothing was recorded. Read the incident and send the command again if it still applies."));
    }

    @ExceptionHandler(CommandExecutionException.class)
    ResponseEntity<Object> commandFailed(CommandExecutionException e, HttpServletRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime && !(cause instanceof CommandExecutionException)) {
            if (runtime instanceof IncidentRuleViolation violation) {
                return ruleViolation(violation);
            }
            if (runtime instanceof VersionMismatch mismatch) {
                return versionMismatch(mismatch);
            }
            if (runtime instanceof AggregateNotFoundException notFound) {
                return unknownIncident(notFound);
            }
            if (runtime instanceof ConcurrencyException) {
                return concurrentChange(runtime);
            }
        }
        return internal(e, request);
    }

    /** A duplicate (incident, sequence) is another writer that got there first: a conflict, not a fault. */
    @ExceptionHandler(EventStoreException.class)
    ResponseEntity<Object> eventStore(EventStoreException e, HttpServletRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return concurrentChange(e);
            }
        }
        return internal(e, request);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : "a valid " + e.getRequiredType().getSimpleName();
        return problem(Problems.invalid(e.getName() + " must be " + expected,
                List.of(new FieldProblem(e.getName(), "must be " + expected))));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> internal(Exception e, HttpServletRequest request) {
        log.error("Unexpected failure on {} {} (correlation id {})", request.getMethod(), request.getRequestURI(),
                request.getHeader(CorrelationId.HEADER), e);
        return problem(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "Internal error",
                "The command could not be processed; nothing was recorded unless a later read shows it."));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<FieldProblem> errors = e.getBindingResult().getFieldErrors().stream()
                .map(ApiExceptionHandler::toProblem)
                .toList();
        return problem(Problems.invalid(summary(errors), errors));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        List<FieldProblem> errors = e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> new FieldProblem(result.getMethodParameter().getParameterName(),
                                String.valueOf(error.getDefaultMessage()))))
                .toList();
        return problem(Problems.invalid(summary(errors), errors));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof JsonMappingException) && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String field = "body";
        String message = "must be a well-formed JSON document of the documented shape";
        if (cause instanceof UnrecognizedPropertyException unknown) {
            field = path(unknown);
            message = "is not a field of this command (accepted: " + unknown.getKnownPropertyIds() + ")";
        } else if (cause instanceof InvalidFormatException invalid) {
            field = path(invalid);
            message = invalid.getTargetType() != null && invalid.getTargetType().isEnum()
                    ? "must be one of " + List.of(invalid.getTargetType().getEnumConstants())
                    : invalid.getTargetType() == String.class
                    ? "must be plain text (no control characters, unpaired surrogates, non-characters or "
                    + "bidirectional overrides)"
                    : invalid.getTargetType() == Instant.class
                    ? "must be an ISO-8601 instant between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z"
                    : "has an invalid value for " + simpleName(invalid.getTargetType());
        } else if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = path(mapping);
            message = "has the wrong type or shape";
        }
        return problem(Problems.invalid(field + " " + message, List.of(new FieldProblem(field, message))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
                                                                     HttpHeaders headers, HttpStatusCode status,
                                                                     WebRequest request) {
        return problem(Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, Problems.UNSUPPORTED_MEDIA_TYPE,
                "Unsupported content type", "Send the command as application/json"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(HttpMediaTypeNotAcceptableException e,
                                                                      HttpHeaders headers, HttpStatusCode status,
                                                                      WebRequest request) {
        return problem(Problems.of(HttpStatus.NOT_ACCEPTABLE, Problems.NOT_ACCEPTABLE, "Not acceptable",
                "This API answers application/json"));
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException e,
                                                                         HttpHeaders headers, HttpStatusCode status,
                                                                         WebRequest request) {
        return problem(Problems.of(HttpStatus.METHOD_NOT_ALLOWED, Problems.METHOD_NOT_ALLOWED, "Method not allowed",
                e.getMethod() + " is not supported here; the command service accepts POST"));
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException e, HttpHeaders headers,
                                                                    HttpStatusCode status, WebRequest request) {
        return problem(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Not found",
                "No endpoint " + e.getResourcePath()));
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : ProblemDetail.forStatusAndDetail(status, e.getMessage());
        if (problem.getType() == null || "about:blank".equals(problem.getType().toString())) {
            problem.setType(status.is4xxClientError() ? Problems.INVALID_INPUT : Problems.INTERNAL);
        }
        return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    private static ResponseEntity<Object> problem(ProblemDetail problem) {
        return Problems.respond(problem);
    }

    private static FieldProblem toProblem(FieldError error) {
        return new FieldProblem(error.getField(), String.valueOf(error.getDefaultMessage()));
    }

    private static String summary(List<FieldProblem> errors) {
        return errors.isEmpty() ? "The request is invalid"
                : errors.stream().map(p -> p.field() + " " + p.message()).collect(Collectors.joining("; "));
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String simpleName(Class<?> type) {
        return type == null ? "this field" : type.getSimpleName();
    }
}
