package io.incidenttracker.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A plain HTTP client for the tests: what a real caller sends, nothing mocked. Callers are the demo users (HTTP
 * Basic, the password is the name); {@code null} or {@code "anonymous"} sends no credentials. Every answer is
 * checked against the service's published OpenAPI document ({@link PublishedApi}).
 */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public Http(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public HttpResponse<String> post(String path, String user, String json) {
        return post(path, user, json, Map.of());
    }

    public HttpResponse<String> post(String path, String user, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (!headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        authorize(request, user);
        return send(request.build());
    }

    /** A POST with the given content type, or none at all when it is null. */
    public HttpResponse<String> postAs(String path, String user, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        authorize(request, user);
        return send(request.build());
    }

    public HttpResponse<String> get(String path, String user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30)).GET();
        authorize(request, user);
        return send(request.build());
    }

    /**
     * A request as the caller with the given method: an empty JSON object as the body of a method that takes one,
     * no body for GET and DELETE.
     */
    public HttpResponse<String> call(String method, String path, String user) {
        boolean bodiless = "GET".equals(method) || "DELETE".equals(method);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, bodiless ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{}"));
        authorize(request, user);
        return send(request.build());
    }

    /** Whether the answer is an RFC 9457 problem: its content type and a {@code status} member. */
    public static boolean isProblem(HttpResponse<String> response) {
        try {
            return response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    && JSON.readTree(response.body()).has("status");
        } catch (IOException e) {
            return false;
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, Http::bodyUnlessStream);
            PublishedApi.of(baseUrl).check(request.method(), request.uri().getRawPath(), response.statusCode(),
                    response.headers().map(), response.body());
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The body as text; for an event stream (which never ends by itself) none: the connection is let go once the
     * status and headers are in.
     */
    private static HttpResponse.BodySubscriber<String> bodyUnlessStream(HttpResponse.ResponseInfo info) {
        if (!info.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            return HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        }
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public java.util.concurrent.CompletionStage<String> getBody() {
                return java.util.concurrent.CompletableFuture.completedFuture("");
            }

            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(java.util.List<java.nio.ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        };
    }

    /** The demo users' password is their name. */
    private static void authorize(HttpRequest.Builder request, String user) {
        if (user != null && !"anonymous".equals(user)) {
            request.header("Authorization", basic(user));
        }
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
    }
}
