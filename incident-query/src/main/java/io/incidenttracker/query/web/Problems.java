package io.incidenttracker.query.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** RFC 9457 problem types of this API, and how to build them. */
public final class Problems {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private static final String TYPE_PREFIX = "urn:problem:incident-tracker:";

    public static final URI INVALID_REQUEST = URI.create(TYPE_PREFIX + "invalid-input");
    public static final URI NOT_FOUND = URI.create(TYPE_PREFIX + "not-found");
    public static final URI UNAUTHENTICATED = URI.create(TYPE_PREFIX + "unauthenticated");
    public static final URI FORBIDDEN = URI.create(TYPE_PREFIX + "forbidden");
    public static final URI INTERNAL_ERROR = URI.create(TYPE_PREFIX + "internal-error");
    public static final URI TOO_MANY_REQUESTS = URI.create(TYPE_PREFIX + "too-many-requests");
    public static final URI TOO_LARGE = URI.create(TYPE_PREFIX + "payload-too-large");

    private Problems() {
    }

    /** One entry of a validation problem's {@code errors} list. */
    public record FieldError(String field, String message) {
    }

    public static ProblemDetail problem(HttpStatusCode status, URI type, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        HttpStatus known = HttpStatus.resolve(status.value());
        problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
        return problem;
    }

    public static ProblemDetail invalid(String detail, List<FieldError> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, detail);
        problem.setProperty("errors", errors.stream()
                .map(e -> Map.of("field", e.field(), "message", e.message()))
                .toList());
        return problem;
    }

    /** The type a problem gets when nothing more specific is known: one per status family. */
    public static URI typeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> INVALID_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            default -> status.is5xxServerError()
                    ? INTERNAL_ERROR
                    : URI.create(TYPE_PREFIX + "http-" + status.value());
        };
    }
}
