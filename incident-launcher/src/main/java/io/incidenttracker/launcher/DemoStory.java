package io.incidenttracker.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Loads a short demo story through the public command API, the way a responder's tool would: the first attack
 * wave on a telemedicine platform, one isolated system and one disrupted service. Then it waits until the query
 * service shows the incident at that version.
 *
 * <p>Every request carries a fixed {@code Idempotency-Key}, so loading the story again appends nothing new.
 */
public final class DemoStory {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(30);
    private static final String KEY_PREFIX = "demo-story-v1-";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI commandApi;
    private final URI queryApi;
    private final PrintStream out;

    public DemoStory(URI commandApi, URI queryApi, PrintStream out) {
        this.commandApi = commandApi;
        this.queryApi = queryApi;
        this.out = out;
    }

    /** Posts the story and returns the incident id. */
    public String load() throws IOException, InterruptedException {
        Map<String, Object> detection = new LinkedHashMap<>();
        detection.put("title", "Cyberattack on the telemedicine platform");
        detection.put("attackType", "INTRUSION");
        detection.put("severity", "HIGH");
        detection.put("detectedAt", "2023-08-30T06:15:00Z");
        detection.put("description", "Unusual activity on the appointment booking backend; systems are being isolated.");
        detection.put("affectedSystems", List.of("app-booking", "telephony-gateway"));
        JsonNode opened = post("/api/incidents", detection, "open", 201);
        String incidentId = opened.path("incidentId").asText();
        if (incidentId.isEmpty()) {
            throw new IOException("the command service answered without an incidentId: " + opened);
        }
        out.println("  demo: opened incident " + incidentId + " (version " + opened.path("version").asText() + ")");

        Map<String, Object> isolation = new LinkedHashMap<>();
        isolation.put("isolatedAt", "2023-08-30T06:40:00Z");
        isolation.put("reason", "Possibly infected; taken off the network for forensic analysis.");
        JsonNode isolated = post("/api/incidents/" + incidentId + "/systems/app-booking/isolation",
                isolation, "isolate-app-booking", 200);
        out.println("  demo: isolated system app-booking (version " + isolated.path("version").asText() + ")");

        Map<String, Object> disruption = new LinkedHashMap<>();
        disruption.put("impact", "UNAVAILABLE");
        disruption.put("since", "2023-08-30T06:45:00Z");
        disruption.put("description", "Patients cannot book appointments in the apps.");
        JsonNode disrupted = post("/api/incidents/" + incidentId + "/services/appointment-booking/disruption",
                disruption, "disrupt-appointment-booking", 200);
        long version = disrupted.path("version").asLong();
        out.println("  demo: service appointment-booking UNAVAILABLE (version " + version + ")");

        awaitProjection(incidentId, version);
        return incidentId;
    }

    private JsonNode post(String path, Map<String, Object> body, String step, int expectedStatus)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(commandApi.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", basic("responder"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", KEY_PREFIX + step)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != expectedStatus) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private void awaitProjection(String incidentId, long version) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(queryApi.resolve("/api/incidents/" + incidentId))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", basic("viewer"))
                .header("Accept", "application/json")
                .GET()
                .build();
        long deadline = System.nanoTime() + PROJECTION_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            last = response.statusCode() + " " + response.body();
            if (response.statusCode() == 200 && json.readTree(response.body()).path("version").asLong(-1) >= version) {
                out.println("  demo: the query service shows the incident at version " + version);
                return;
            }
            Thread.sleep(250);
        }
        out.println("  demo: the query service did not show version " + version + " within "
                + PROJECTION_TIMEOUT.toSeconds() + " s; last answer: " + last);
    }

    private static String basic(String user) {
        String token = user + ":" + user;
        return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }
}
