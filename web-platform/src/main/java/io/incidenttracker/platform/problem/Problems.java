package io.incidenttracker.platform.problem;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.util.List;

/**
 * RFC 9457 problem details as both APIs write them: every problem type of the product with its stable URN, and how
 * to build and answer a problem. Clients and dashboards match on the {@code type}, never on the title or detail.
 */
public final class Problems {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private static final String TYPE_PREFIX = "urn:problem:incident-tracker:";

    public static final URI INVALID_INPUT = type("invalid-input");
    public static final URI UNAUTHENTICATED = type("unauthenticated");
    public static final URI FORBIDDEN = type("forbidden");
    public static final URI NOT_FOUND = type("not-found");
    public static final URI TOO_LARGE = type("payload-too-large");
    public static final URI LENGTH_REQUIRED = type("length-required");
    public static final URI UNSUPPORTED_MEDIA_TYPE = type("unsupported-media-type");
    public static final URI NOT_ACCEPTABLE = type("not-acceptable");
    public static final URI METHOD_NOT_ALLOWED = type("method-not-allowed");
    public static final URI TOO_MANY_REQUESTS = type("too-many-requests");
    public static final URI INTERNAL = type("internal-error");

    /** Command service: the command breaks a rule of the incident's current state. */
    public static final URI RULE_VIOLATION = type("incident-rule-violation");
    /** Command service: another writer changed the incident first, or its id is taken. */
    public static final URI CONCURRENT_CHANGE = type("concurrent-change");
    /** Command service: {@code If-Match} names another version than the incident's. */
    public static final URI VERSION_MISMATCH = type("version-mismatch");
    /** Command service: an {@code Idempotency-Key} sent again with another request. */
    public static final URI IDEMPOTENCY_KEY_REUSED = type("idempotency-key-reused");
    /** Query service: an audit answer that needs a signed checkpoint before there is one. */
    public static final URI NO_CHECKPOINT = type("no-checkpoint");
    /** Query service: a projection rebuild is already running. */
    public static final URI REBUILD_IN_PROGRESS = type("rebuild-in-progress");
    /** Query service: another query instance applies the projection; only that one can rebuild it from the topic. */
    public static final URI APPLIED_ELSEWHERE = type("projection-applied-elsewhere");
    /** Query service: the instance holds as many open streams as it may; another instance may have room. */
    public static final URI STREAMS_AT_CAPACITY = type("streams-at-capacity");
    /** Both services: the service is shutting down; the request is refused whole, to be sent to another instance. */
    public static final URI SHUTTING_DOWN = type("shutting-down");

    /** Member of an invalid-input problem (400): what is wrong with each field, as {@link FieldProblem}s. */
    public static final String ERRORS = "errors";
    /** Member of a version-mismatch problem (412): the incident's current version. */
    public static final String CURRENT_VERSION = "currentVersion";
    /** Member of a projection-applied-elsewhere problem (409): the query instances holding the projection's claim. */
    public static final String OWNERS = "owners";
    /**
     * The members that problem types add to RFC 9457's own. The problem schema of the OpenAPI documents publishes
     * exactly these, and the errors of the API document name each; a problem sets its members by these names.
     */
    public static final List<String> MEMBERS = List.of(ERRORS, CURRENT_VERSION, OWNERS);

    private Problems() {
    }

    private static URI type(String name) {
        return URI.create(TYPE_PREFIX + name);
    }

    /** A problem with the given title. */
    public static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    /** A problem titled with the status's reason phrase. */
    public static ProblemDetail of(HttpStatusCode status, URI type, String detail) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return of(status, type, known == null ? "Error" : known.getReasonPhrase(), detail);
    }

    /** A 400 listing what is wrong with each field in {@code errors: [{field, message}]}. */
    public static ProblemDetail invalid(String detail, List<FieldProblem> errors) {
        ProblemDetail problem = of(HttpStatus.BAD_REQUEST, INVALID_INPUT, "Invalid input", detail);
        problem.setProperty(ERRORS, List.copyOf(errors));
        return problem;
    }

    /** The type a problem gets when nothing more specific is known. */
    public static URI typeFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 400 -> INVALID_INPUT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            default -> status.is5xxServerError() ? INTERNAL : type("http-" + status.value());
        };
    }

    /** The answer of a controller or exception handler carrying the problem. */
    public static ResponseEntity<Object> respond(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(PROBLEM_JSON).body(problem);
    }
}
