package io.incidenttracker.command.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import java.net.URI;
import java.util.List;

/** RFC 9457 problem details as this API writes them: a stable type URI per kind of problem. */
public final class Problems {

    private Problems() {
    }

    public static final URI INVALID_INPUT = type("invalid-input");
    public static final URI UNAUTHENTICATED = type("unauthenticated");
    public static final URI FORBIDDEN = type("forbidden");
    public static final URI NOT_FOUND = type("not-found");
    public static final URI RULE_VIOLATION = type("incident-rule-violation");
    public static final URI CONCURRENT_CHANGE = type("concurrent-change");
    public static final URI VERSION_MISMATCH = type("version-mismatch");
    public static final URI IDEMPOTENCY_KEY_REUSED = type("idempotency-key-reused");
    public static final URI TOO_LARGE = type("payload-too-large");
    public static final URI LENGTH_REQUIRED = type("length-required");
    public static final URI UNSUPPORTED_MEDIA_TYPE = type("unsupported-media-type");
    public static final URI NOT_ACCEPTABLE = type("not-acceptable");
    public static final URI METHOD_NOT_ALLOWED = type("method-not-allowed");
    public static final URI TOO_MANY_REQUESTS = type("too-many-requests");
    public static final URI INTERNAL = type("internal-error");

    private static URI type(String name) {
        return URI.create("urn:problem:incident-tracker:" + name);
    }

    public static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    public static ProblemDetail invalid(String detail, List<InvalidRequest.FieldProblem> errors) {
        ProblemDetail problem = of(HttpStatus.BAD_REQUEST, INVALID_INPUT, "Invalid input", detail);
        problem.setProperty("errors", errors);
        return problem;
    }
}
