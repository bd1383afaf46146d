package io.incidenttracker.testsupport;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI document a running service publishes at {@code /v3/api-docs}, as a check of its own answers: every
 * answer the tests receive must be one the document declares (its status code for that operation, its content type,
 * its body against the schema, with nullability and formats such as {@code uri}). A violation fails the test that
 * received the answer, so that the document cannot drift from the service.
 *
 * <p>The document is read once per running service (per base URL) and kept for the JVM. Requests are not checked:
 * the tests send refused input on purpose. Answers to paths the document does not describe (actuator, the document
 * itself) are not checked either.
 */
public final class PublishedApi {

    /** Where springdoc publishes the document in both services. */
    public static final String DOCUMENT_PATH = "/v3/api-docs";

    private static final Map<String, PublishedApi> BY_BASE_URL = new ConcurrentHashMap<>();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final OpenApiInteractionValidator validator;

    private PublishedApi(String baseUrl, String document) {
        this.baseUrl = baseUrl;
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document)
                .withLevelResolver(LevelResolver.create()
                        // the tests send invalid requests on purpose; only the answers are the subject here
                        .withLevel("validation.request", ValidationReport.Level.IGNORE)
                        .build())
                .build();
    }

    /** The document of the service at {@code baseUrl} ({@code http://host:port}), read on first use. */
    public static PublishedApi of(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return BY_BASE_URL.computeIfAbsent(base, key -> new PublishedApi(key, fetch(key)));
    }

    /** A document given as text (JSON or YAML), for checking answers against it outside a running service. */
    public static PublishedApi fromDocument(String name, String document) {
        return new PublishedApi(name, document);
    }

    /** The document of the service that {@code uri} points into. */
    public static PublishedApi of(URI uri) {
        return of(uri.getScheme() + "://" + uri.getAuthority());
    }

    /** Checks an answer received by {@link HttpClient}; returns it unchanged. */
    public static <T> HttpResponse<T> check(HttpResponse<T> response, String body) {
        URI uri = response.request().uri();
        of(uri).check(response.request().method(), uri.getRawPath(), response.statusCode(),
                response.headers().map(), body);
        return response;
    }

    /**
     * Checks one answer.
     *
     * @param method  the request's method
     * @param path    the request's path, without the query
     * @param status  the answer's status code
     * @param headers the answer's headers
     * @param body    the answer's body as text, empty when it had none, {@code null} when it was not read
     * @throws AssertionError naming every way in which the answer disagrees with the document
     */
    public void check(String method, String path, int status, Map<String, List<String>> headers, String body) {
        if (path.startsWith(DOCUMENT_PATH)) {
            return;
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        headers.forEach((name, values) -> {
            if (name != null && !name.startsWith(":")) {
                response.withHeader(name, values);
            }
        });
        String contentType = headers.entrySet().stream()
                .filter(header -> "content-type".equalsIgnoreCase(header.getKey()))
                .flatMap(header -> header.getValue().stream())
                .findFirst().orElse(null);
        boolean stream = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        if (body != null && !body.isEmpty() && !stream) {
            response.withBody(body, StandardCharsets.UTF_8);
        }
        ValidationReport report = validator.validateResponse(path,
                Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), response.build());
        if (stream || body == null) {
            // an event stream never ends, so its body is not read (nor is a body the caller read as lines);
            // everything else about the answer is checked
            report = ValidationReport.from(report.getMessages().stream()
                    .filter(message -> !"validation.response.body.missing".equals(message.getKey()))
                    .toList());
        }
        if (report.hasErrors()) {
            throw new AssertionError("The answer to " + method + " " + path + " (" + status + ") disagrees with "
                    + baseUrl + DOCUMENT_PATH + ":\n" + describe(report)
                    + "\nBody: " + excerpt(body));
        }
    }

    /** Each error with its key and where it is: the JSON pointer into the body and into the schema. */
    private static String describe(ValidationReport report) {
        StringBuilder text = new StringBuilder();
        report.getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .forEach(message -> {
                    text.append("  - ").append(message.getKey()).append(": ").append(message.getMessage());
                    message.getContext().flatMap(ValidationReport.MessageContext::getPointers).ifPresent(pointers ->
                            text.append(" (at ").append(pointers.getInstance().isEmpty() ? "/" : pointers.getInstance())
                                    .append(", schema ").append(pointers.getSchema()).append(')'));
                    message.getAdditionalInfo().forEach(info -> text.append("\n      ").append(info));
                    text.append('\n');
                });
        return text.toString();
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "(none)";
        }
        return body.length() <= 2000 ? body : body.substring(0, 2000) + "...";
    }

    private static String fetch(String baseUrl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + DOCUMENT_PATH))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> answer = CLIENT.send(request,
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(baseUrl + DOCUMENT_PATH + " answered " + answer.statusCode());
            }
            return answer.body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + baseUrl + DOCUMENT_PATH, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
