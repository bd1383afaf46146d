package io.incidenttracker.platform.openapi;

import io.incidenttracker.platform.problem.Problems;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The problem answers of both published OpenAPI documents, in one place: the RFC 9457 problem schema, and the error
 * statuses that every operation can answer (by what it takes: a body, parameters, a path variable, credentials), so
 * that no controller has to repeat them and none can forget one. Operations add their own statuses (a 409 of a rule,
 * a 404 of an unknown subscription) with their own descriptions; every answer of 400 and above is then documented as
 * a problem.
 */
public class ProblemResponses implements OpenApiCustomizer {

    /** The name of the problem schema in {@code components}. */
    public static final String SCHEMA = "Problem";
    /** A reference to it, for operations that declare problem answers of their own. */
    public static final String SCHEMA_REF = "#/components/schemas/" + SCHEMA;

    private static final String PROBLEM_JSON = "application/problem+json";
    /** The schema springdoc derives from Spring's class; its {@code instance} wrongly claims an absolute URI. */
    private static final String SPRING_PROBLEM_SCHEMA = "ProblemDetail";

    @Override
    public void customise(OpenAPI openApi) {
        openApi.getComponents().addSchemas(SCHEMA, problemSchema());
        if (openApi.getPaths() == null) {
            return;
        }
        openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
            ApiResponses responses = operation.getResponses();
            standardStatuses(operation).forEach(responses::putIfAbsent);
            responses.forEach((code, response) -> {
                if (isError(code)) {
                    response.setContent(new Content().addMediaType(PROBLEM_JSON,
                            new MediaType().schema(new Schema<>().$ref(SCHEMA_REF))));
                }
            });
            operation.setResponses(sorted(responses));
        }));
        if (openApi.getComponents().getSchemas() != null) {
            openApi.getComponents().getSchemas().remove(SPRING_PROBLEM_SCHEMA);
        }
    }

    /** The statuses that any operation of this shape can answer, whatever it does. */
    private static Map<String, ApiResponse> standardStatuses(Operation operation) {
        Map<String, ApiResponse> statuses = new LinkedHashMap<>();
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        boolean body = operation.getRequestBody() != null;
        boolean publicOperation = operation.getSecurity() != null && operation.getSecurity().isEmpty();
        if (body || !parameters.isEmpty()) {
            statuses.put("400", response("Invalid input: a parameter, header or body that breaks the contract "
                    + "(malformed or ambiguous JSON, an unknown or missing field, a value out of range); the "
                    + "problem's `errors` name the fields"));
        }
        statuses.put("401", response(publicOperation
                ? "Bad credentials (none are needed; wrong ones are refused)"
                : "No or bad credentials"));
        if (!publicOperation) {
            statuses.put("403", response("The caller's role may not do this"));
        }
        if (parameters.stream().anyMatch(parameter -> "path".equals(parameter.getIn()))) {
            statuses.put("404", response("Nothing is known by that id"));
        }
        statuses.put("406", response("The Accept header rules out every format this operation answers"));
        if (body) {
            statuses.put("411", response("The body came without a Content-Length (chunked transfer)"));
            statuses.put("413", response("The body is larger than the service accepts"));
            statuses.put("415", response("The body is not of a media type this operation takes"));
        }
        statuses.put("429", response("Too many requests from this caller; retry after the time in Retry-After"));
        statuses.put("500", response("An unexpected error, logged with the request's correlation id"));
        statuses.put("503", response("The instance is shutting down; send the request again (it reaches another "
                + "instance), after the time in Retry-After"));
        return statuses;
    }

    private static ApiResponse response(String description) {
        return new ApiResponse().description(description);
    }

    private static boolean isError(String code) {
        return code.length() == 3 && (code.charAt(0) == '4' || code.charAt(0) == '5');
    }

    private static ApiResponses sorted(ApiResponses responses) {
        ApiResponses ordered = new ApiResponses();
        new TreeMap<>(responses).forEach(ordered::addApiResponse);
        ordered.setExtensions(responses.getExtensions());
        return ordered;
    }

    /** RFC 9457: {@code instance} is a URI reference (here the request's path), not necessarily absolute. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Schema<?> problemSchema() {
        Schema field = new ObjectSchema()
                .addProperty("field", new StringSchema().description("The field, parameter or header"))
                .addProperty("message", new StringSchema().description("What is wrong with it"));
        field.setRequired(List.of("field", "message"));
        Schema problem = new ObjectSchema()
                .description("An RFC 9457 problem. Clients match on `type`, never on `title` or `detail`.")
                .addProperty("type", new StringSchema().format("uri")
                        .description("The problem type, a URN such as urn:problem:incident-tracker:not-found"))
                .addProperty("title", new StringSchema().description("A short summary of the problem type"))
                .addProperty("status", new IntegerSchema().format("int32").description("The HTTP status code"))
                .addProperty("detail", new StringSchema().description("What went wrong with this request"))
                .addProperty("instance", new StringSchema().format("uri-reference")
                        .description("The request's path, a relative URI reference"))
                .addProperty(Problems.ERRORS, new ArraySchema().items(field)
                        .description("Invalid input only: what is wrong with each field"))
                .addProperty(Problems.CURRENT_VERSION, new IntegerSchema().format("int64")
                        .description("Version mismatch (412) only: the incident's current version"))
                .addProperty(Problems.OWNERS, new ArraySchema().items(new StringSchema())
                        .description("Projection applied elsewhere (409) only: the query instances holding its "
                                + "claim"));
        problem.setRequired(List.of("type", "title", "status"));
        // RFC 9457 lets a problem type add members of its own; a client ignores those it does not know
        problem.setAdditionalProperties(Boolean.TRUE);
        return problem;
    }
}
