package io.incidenttracker.query.web;

import io.incidenttracker.platform.problem.FieldProblem;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.platform.problem.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.lang.Nullable;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Turns every error into an RFC 9457 problem ({@code application/problem+json} with type, title, status and detail).
 * Client mistakes are 4xx with a precise detail; validation problems also list {@code errors: [{field, message}]}.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException e) {
        return respond(Problems.of(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, e.getMessage()));
    }

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<Object> invalid(InvalidRequest e) {
        return respond(Problems.invalid("Invalid request: " + e.getMessage(), e.errors()));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e, WebRequest request) {
        log.error("Unexpected error answering {}", request.getDescription(false), e);
        return respond(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL,
                                        "The request could not be completed; the error has been logged."));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String field = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        String message = expectation(e.getRequiredType());
        String detail = "Invalid value '" + e.getValue() + "' for " + field + ": " + message;
        return respond(Problems.invalid(detail, List.of(new FieldProblem(field, message))));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
                                                                          HttpHeaders headers,
                                                                          HttpStatusCode status,
                                                                          WebRequest request) {
        String field = e.getParameterName();
        return respond(Problems.invalid("Missing parameter " + field,
                                        List.of(new FieldProblem(field, "is required"))));
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
                                                                            HttpHeaders headers,
                                                                            HttpStatusCode status,
                                                                            WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(result -> {
            String field = result.getMethodParameter().getParameterName();
            for (MessageSourceResolvable error : result.getResolvableErrors()) {
                errors.add(new FieldProblem(field, error.getDefaultMessage()));
            }
        });
        return respond(Problems.invalid(describe(errors), errors));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            errors.add(new FieldProblem(error.getField(), error.getDefaultMessage()));
        }
        e.getBindingResult().getGlobalErrors().forEach(
                error -> errors.add(new FieldProblem(error.getObjectName(), error.getDefaultMessage())));
        return respond(Problems.invalid(describe(errors), errors));
    }

    /** Gives the framework's own problems (404 for unknown paths, 405, 406, ...) this API's types and titles. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        if (body instanceof ProblemDetail problem && ProblemDetail.forStatus(status).getType().equals(problem.getType())) {
            problem.setType(Problems.typeFor(status));
        }
        return super.handleExceptionInternal(e, body, headers, status, request);
    }

    private static ResponseEntity<Object> respond(ProblemDetail problem) {
        return Problems.respond(problem);
    }

    private static String describe(List<FieldProblem> errors) {
        return errors.stream().map(e -> e.field() + " " + e.message())
                .reduce((a, b) -> a + "; " + b)
                .map(text -> "Invalid request: " + text)
                .orElse("Invalid request");
    }

    private static String expectation(@Nullable Class<?> type) {
        if (type == null) {
            return "has the wrong format";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type == UUID.class) {
            return "must be a UUID";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "must be a whole number";
        }
        return "must be a valid " + type.getSimpleName();
    }
}
