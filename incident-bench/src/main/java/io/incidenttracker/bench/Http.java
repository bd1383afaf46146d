package io.incidenttracker.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP side of the load: commands as a responder, queries as a viewer, over keep-alive HTTP/1.1. */
final class Http {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    /** The value of a measurement in an answer of {@code /actuator/metrics/<name>}. */
    private static final Pattern MEASUREMENT = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");
    /** A statistic and its value in an answer of {@code /actuator/metrics/<name>}. */
    private static final Pattern STATISTIC = Pattern.compile(
            "\"statistic\"\\s*:\\s*\"([A-Z_]+)\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.Ee+-]+)");

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String responder = basic("responder");
    private final String viewer = basic("viewer");

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one toggling command; answers the incident's new version, fails unless 2xx. */
    long command(int port, Workload.Step step) throws IOException, InterruptedException {
        String path = "/api/incidents/" + step.incidentId() + "/services/" + step.serviceId()
                + (step.disruption() ? "/disruption" : "/restoration");
        String body = step.disruption()
                ? "{\"impact\":\"UNAVAILABLE\",\"since\":\"" + step.at() + "\",\"description\":\"load test\"}"
                : "{\"restoredAt\":\"" + step.at() + "\",\"note\":\"load test\"}";
        String answer = post(port, path, body);
        Matcher version = VERSION.matcher(answer);
        if (!version.find()) {
            throw new IOException(path + " answered no version: " + answer);
        }
        return Long.parseLong(version.group(1));
    }

    /** POSTs a JSON body as a responder; answers the body, fails unless 2xx. */
    String post(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", responder)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    /** GET as a viewer; fails unless 200. */
    void query(int port, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = get(port, path, null);
        if (answer.statusCode() != 200) {
            throw new IOException(path + " answered " + answer.statusCode());
        }
    }

    /** GET as a viewer; answers the ETag, fails unless 200 with one. */
    String etag(int port, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = get(port, path, null);
        String etag = answer.headers().firstValue("ETag").orElse(null);
        if (answer.statusCode() != 200 || etag == null) {
            throw new IOException(path + " answered " + answer.statusCode() + " with ETag " + etag);
        }
        return etag;
    }

    /** A dashboard's poll of a view it holds: GET as a viewer with If-None-Match; true if 304, false if 200. */
    boolean poll(int port, String path, String etag) throws IOException, InterruptedException {
        HttpResponse<byte[]> answer = get(port, path, etag);
        if (answer.statusCode() != 304 && answer.statusCode() != 200) {
            throw new IOException(path + " answered " + answer.statusCode());
        }
        return answer.statusCode() == 304;
    }

    private HttpResponse<byte[]> get(int port, String path, String ifNoneMatch)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", viewer)
                .GET();
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * A counter of the service's metrics ({@code /actuator/metrics/<name>?tag=<tag>}, as an admin): its value, or
     * NaN when the service answers none (an older service without that meter).
     */
    double metric(int port, String name, String tag) throws IOException, InterruptedException {
        return firstValue(metrics(port, name + (tag == null ? "" : "?tag=" + tag)), MEASUREMENT);
    }

    /**
     * One statistic of a meter of the service ({@code TOTAL_TIME} of a timer, in seconds), or NaN when the service
     * answers none.
     */
    double metricStatistic(int port, String name, String statistic) throws IOException, InterruptedException {
        return meterStatistics(port, name).getOrDefault(statistic, Double.NaN);
    }

    /**
     * Every statistic of a meter of the service ({@code COUNT}, {@code TOTAL_TIME} in seconds, {@code TOTAL}, ...)
     * by name, from one request ({@code path} may carry {@code ?tag=}); empty when the service answers none.
     */
    Map<String, Double> meterStatistics(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> answer = metrics(port, path);
        return answer.statusCode() == 200 ? statistics(answer.body()) : Map.of();
    }

    /** The statistics of an answer of {@code /actuator/metrics/<name>}, by name. */
    static Map<String, Double> statistics(String answer) {
        Map<String, Double> statistics = new HashMap<>();
        Matcher statistic = STATISTIC.matcher(answer);
        while (statistic.find()) {
            statistics.put(statistic.group(1), Double.parseDouble(statistic.group(2)));
        }
        return statistics;
    }

    /** {@code /actuator/metrics/<path>} of the service, as an admin. */
    private HttpResponse<String> metrics(int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics/" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", basic("admin"))
                .GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double firstValue(HttpResponse<String> answer, Pattern pattern) {
        Matcher value = pattern.matcher(answer.body());
        return answer.statusCode() == 200 && value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
    }

    static String incidentPath(UUID incidentId) {
        return "/api/incidents/" + incidentId;
    }
}
