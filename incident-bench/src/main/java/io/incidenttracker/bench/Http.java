package io.incidenttracker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of the load: commands as a responder, queries as a viewer, over keep-alive HTTP/1.1 (a
 * {@link BlockingHttpClient}: the calling thread writes the request and reads the answer).
 */
final class Http {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");
    /** The value of a measurement in an answer of {@code /actuator/metrics/<name>}. */
    private static final Pattern MEASUREMENT = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");
    /** A statistic and its value in an answer of {@code /actuator/metrics/<name>}. */
    private static final Pattern STATISTIC = Pattern.compile(
            "\"statistic\"\\s*:\\s*\"([A-Z_]+)\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.Ee+-]+)");

    private final BlockingHttpClient client = new BlockingHttpClient(30_000);
    private final String responder = "Authorization: " + basic("responder");
    private final String viewer = "Authorization: " + basic("viewer");
    private final String admin = "Authorization: " + basic("admin");

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one toggling command; answers the incident's new version, fails unless 2xx. */
    long command(int port, Workload.Step step) throws IOException {
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
    String post(int port, String path, String json) throws IOException {
        BlockingHttpClient.Answer answer = client.postJson(port, path, json, responder);
        if (answer.status() / 100 != 2) {
            throw new IOException(path + " answered " + answer.status() + ": " + answer.text());
        }
        return answer.text();
    }

    /** GET as a viewer; fails unless 200. */
    void query(int port, String path) throws IOException {
        BlockingHttpClient.Answer answer = client.get(port, path, viewer);
        if (answer.status() != 200) {
            throw new IOException(path + " answered " + answer.status());
        }
    }

    /** GET as a viewer; answers the ETag, fails unless 200 with one. */
    String etag(int port, String path) throws IOException {
        BlockingHttpClient.Answer answer = client.get(port, path, viewer);
        String etag = answer.header("ETag");
        if (answer.status() != 200 || etag == null) {
            throw new IOException(path + " answered " + answer.status() + " with ETag " + etag);
        }
        return etag;
    }

    /** A dashboard's poll of a view it holds: GET as a viewer with If-None-Match; true if 304, false if 200. */
    boolean poll(int port, String path, String etag) throws IOException {
        BlockingHttpClient.Answer answer = client.get(port, path, viewer, "If-None-Match: " + etag);
        if (answer.status() != 304 && answer.status() != 200) {
            throw new IOException(path + " answered " + answer.status());
        }
        return answer.status() == 304;
    }

    /**
     * A counter of the service's metrics ({@code /actuator/metrics/<name>?tag=<tag>}, as an admin): its value, or
     * NaN when the service answers none (an older service without that meter).
     */
    double metric(int port, String name, String tag) throws IOException {
        return firstValue(metrics(port, name + (tag == null ? "" : "?tag=" + tag)), MEASUREMENT);
    }

    /**
     * One statistic of a meter of the service ({@code TOTAL_TIME} of a timer, in seconds), or NaN when the service
     * answers none.
     */
    double metricStatistic(int port, String name, String statistic) throws IOException {
        return meterStatistics(port, name).getOrDefault(statistic, Double.NaN);
    }

    /**
     * Every statistic of a meter of the service ({@code COUNT}, {@code TOTAL_TIME} in seconds, {@code TOTAL}, ...)
     * by name, from one request ({@code path} may carry {@code ?tag=}); empty when the service answers none.
     */
    Map<String, Double> meterStatistics(int port, String path) throws IOException {
        BlockingHttpClient.Answer answer = metrics(port, path);
        return answer.status() == 200 ? statistics(answer.text()) : Map.of();
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
    private BlockingHttpClient.Answer metrics(int port, String path) throws IOException {
        return client.get(port, "/actuator/metrics/" + path, admin);
    }

    private static double firstValue(BlockingHttpClient.Answer answer, Pattern pattern) {
        Matcher value = pattern.matcher(answer.text());
        return answer.status() == 200 && value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
    }

    static String incidentPath(UUID incidentId) {
        return "/api/incidents/" + incidentId;
    }
}
