package io.incidenttracker.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Loads the story of the 2023 telemedicine attack (README.md) through the public command API, the way a responder's
 * tool would: a first attack wave on a telemedicine platform on 30 August 2023, isolated systems, appointment booking
 * lost; a second wave on 4 September that takes telephony down; restoration overnight; forensic analysis with findings;
 * a data-impact assessment revised to "no patient data left, according to current knowledge"; public status updates;
 * closure. Its reporting clocks under the default rules of a Swiss healthcare provider: the suspicion of personal data
 * starts the nDSG report to the FDPIC, the classification as critical infrastructure affected starts the ISG report to
 * the NCSC and its completion; the reports made fulfil them. Then it waits until the query service shows the incident
 * at its last version.
 *
 * <p>Every request carries a fixed {@code Idempotency-Key}, so loading the story again appends nothing new.
 */
public final class DemoStory {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration PROJECTION_TIMEOUT = Duration.ofSeconds(30);
    /** The prefix of the demo's Idempotency-Keys; a new version of the story needs a new prefix. */
    public static final String KEY_PREFIX = "demo-story-v3-";
    private static final String INCIDENT = "/api/incidents/{id}";

    /** One command of the story: {@code {id}} in the path stands for the incident. */
    public record Step(String key, String path, Map<String, Object> body, String description) {
    }

    /** Called after every step with the incident id and the version the command answered. */
    @FunctionalInterface
    public interface StepListener {
        void after(Step step, String incidentId, long version) throws Exception;
    }

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

    /** The story, in order. */
    public static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        // 30 August: the first wave
        steps.add(step("open", "/api/incidents", "detected an intrusion, opened the incident",
                "title", "Cyberattack on the telemedicine platform", "attackType", "INTRUSION", "severity", "HIGH",
                "detectedAt", "2023-08-30T06:15:00Z", "firstActivityAt", "2023-08-29T22:40:00Z",
                "description", "Unusual activity on the appointment booking backend.",
                "affectedSystems", List.of("app-booking", "crm"), "techniques", List.of("T1078")));
        steps.add(step("commander", INCIDENT + "/commander", "assigned the incident commander",
                "commanderId", "ciso-duty", "assignedAt", "2023-08-30T06:30:00Z"));
        steps.add(step("isolate-app-booking", INCIDENT + "/systems/app-booking/isolation", "isolated app-booking",
                "isolatedAt", "2023-08-30T06:40:00Z",
                "reason", "Possibly infected; taken off the network for forensic analysis."));
        steps.add(step("disrupt-appointment-booking", INCIDENT + "/services/appointment-booking/disruption",
                "appointment booking UNAVAILABLE",
                "impact", "UNAVAILABLE", "since", "2023-08-30T06:45:00Z",
                "description", "Patients cannot book appointments in the apps."));
        steps.add(step("internal-update-1", INCIDENT + "/status-updates", "informed staff",
                "audience", "INTERNAL", "publishedAt", "2023-08-30T07:00:00Z",
                "text", "Booking backend isolated after an intrusion; book appointments by phone."));
        steps.add(step("forensics-start", INCIDENT + "/forensic-analyses", "started the forensic analysis",
                "analysisId", "fa-2023-08", "startedAt", "2023-08-30T09:00:00Z",
                "scope", "Booking backend, CRM and the telephony gateway, with the authorities."));
        steps.add(step("contain-1", INCIDENT + "/containment", "declared containment of the first wave",
                "containedAt", "2023-08-30T10:00:00Z", "summary", "All possibly infected systems are isolated."));
        steps.add(step("data-impact-1", INCIDENT + "/data-impact-assessments", "first data-impact assessment",
                "personalData", "SUSPECTED", "dataCategories", List.of("health-data"),
                "exfiltration", "SUSPECTED", "encryption", "NONE_KNOWN", "assessedAt", "2023-08-30T12:00:00Z",
                "rationale", "The booking backend holds appointment data; access by the attacker not yet excluded."));
        steps.add(step("public-update-1", INCIDENT + "/status-updates", "told the public",
                "audience", "PUBLIC", "publishedAt", "2023-08-30T13:00:00Z",
                "headline", "Appointment booking unavailable after a cyberattack", "status", "identified",
                "impact", "major",
                "text", "After a cyberattack, booking appointments in our apps is not possible; call us instead."));
        steps.add(step("correct-isolation-time", INCIDENT + "/corrections",
                "corrected the isolation time from the firewall log",
                "sequence", 4, "occurredAt", "2023-08-30T06:35:00Z",
                "reason", "The firewall log shows the isolation at 06:35.", "correctedAt", "2023-08-31T08:00:00Z"));
        steps.add(step("notify-fdpic", INCIDENT + "/authority-notifications", "reported to the FDPIC",
                "authority", "FDPIC", "regime", "CH-NDSG", "notifiedAt", "2023-09-01T16:00:00Z",
                "summary", "Precautionary report: access to appointment data not yet excluded."));
        // 4 September: the second wave
        steps.add(step("wave-2", INCIDENT + "/attacks", "detected the second wave",
                "attackType", "RANSOMWARE", "detectedAt", "2023-09-04T18:00:00Z", "severity", "CRITICAL",
                "firstActivityAt", "2023-09-04T16:30:00Z",
                "description", "Encryption started on the telephony servers.",
                "affectedSystems", List.of("telephony-gateway", "pbx"), "techniques", List.of("T1486")));
        steps.add(step("isolate-telephony-gateway", INCIDENT + "/systems/telephony-gateway/isolation",
                "isolated the telephony gateway",
                "isolatedAt", "2023-09-04T18:20:00Z", "reason", "Encryption observed."));
        steps.add(step("disrupt-telephony", INCIDENT + "/services/telephony/disruption", "telephony UNAVAILABLE",
                "impact", "UNAVAILABLE", "since", "2023-09-04T18:30:00Z",
                "description", "No inbound calls, emergency lines included."));
        steps.add(step("classify", INCIDENT + "/classification",
                "classified the incident as affecting a critical infrastructure",
                "classifications", List.of("CRITICAL_INFRASTRUCTURE_AFFECTED"), "classifiedAt", "2023-09-04T19:00:00Z",
                "basis", "Telephony of a healthcare provider down, emergency lines included."));
        steps.add(step("contain-2", INCIDENT + "/containment", "declared containment of the second wave",
                "containedAt", "2023-09-04T22:00:00Z", "summary", "Telephony servers isolated, encryption stopped."));
        // overnight: restoration
        steps.add(step("reconnect-app-booking", INCIDENT + "/systems/app-booking/reconnection",
                "reconnected app-booking",
                "reconnectedAt", "2023-09-05T00:30:00Z", "note", "Rebuilt from clean images and scanned."));
        steps.add(step("reconnect-telephony-gateway", INCIDENT + "/systems/telephony-gateway/reconnection",
                "reconnected the telephony gateway",
                "reconnectedAt", "2023-09-05T00:40:00Z", "note", "Restored from backup and scanned."));
        steps.add(step("restore-telephony", INCIDENT + "/services/telephony/restoration", "telephony back",
                "restoredAt", "2023-09-05T01:00:00Z", "note", "Emergency lines and the children's line are back."));
        steps.add(step("restore-appointment-booking", INCIDENT + "/services/appointment-booking/restoration",
                "appointment booking back",
                "restoredAt", "2023-09-05T01:00:00Z", "note", "Doctors can treat patients again."));
        steps.add(step("public-update-2", INCIDENT + "/status-updates", "told the public that services are back",
                "audience", "PUBLIC", "publishedAt", "2023-09-05T07:00:00Z", "status", "monitoring",
                "impact", "minor",
                "text", "Doctors can treat patients again; the emergency lines and the children's line are back."));
        steps.add(step("notify-ncsc", INCIDENT + "/authority-notifications", "reported to the NCSC",
                "authority", "NCSC", "regime", "CH-ISG", "reference", "NCSC-2023-0815",
                "notifiedAt", "2023-09-05T09:00:00Z",
                "summary", "Two attack waves; booking and telephony were unavailable; extortion note found."));
        // the following weeks
        steps.add(step("finding-1", INCIDENT + "/forensic-analyses/fa-2023-08/findings", "recorded a finding",
                "foundAt", "2023-09-12T15:00:00Z", "techniques", List.of("T1078", "T1486"),
                "indicators", List.of("185.220.101.4", "sha256:9f86d081884c7d659a2feaa0c55ad015"),
                "text", "A valid VPN account was used from an anonymising network before both waves."));
        steps.add(step("notify-ncsc-completion", INCIDENT + "/authority-notifications",
                "completed the report to the NCSC",
                "authority", "NCSC", "regime", "CH-ISG", "reference", "NCSC-2023-0815-2",
                "notifiedAt", "2023-09-15T10:00:00Z",
                "summary", "Details completed: entry through a VPN account; criminal complaint filed."));
        steps.add(step("data-impact-2", INCIDENT + "/data-impact-assessments", "revised the data-impact assessment",
                "personalData", "NONE_KNOWN", "dataCategories", List.of("health-data"),
                "exfiltration", "NONE_KNOWN", "encryption", "CONFIRMED", "assessedAt", "2023-09-20T10:00:00Z",
                "rationale", "No patient data left, according to current knowledge."));
        steps.add(step("forensics-conclude", INCIDENT + "/forensic-analyses/fa-2023-08/conclusion",
                "concluded the forensic analysis",
                "concludedAt", "2023-09-29T16:00:00Z",
                "conclusion", "Entry through a reused VPN password; no exfiltration found."));
        steps.add(step("resolve", INCIDENT + "/resolution", "resolved the incident",
                "resolvedAt", "2023-09-29T17:00:00Z", "summary", "Attacker access removed, passwords reset."));
        steps.add(step("public-update-3", INCIDENT + "/status-updates", "published the closing statement",
                "audience", "PUBLIC", "publishedAt", "2023-10-02T09:00:00Z", "status", "resolved",
                "impact", "none",
                "text", "No patient data left our systems, according to current knowledge."));
        steps.add(step("close", INCIDENT + "/closure", "closed the incident",
                "closedAt", "2023-10-02T12:00:00Z",
                "postIncidentSummary", "Two waves four days apart; booking and telephony restored overnight; "
                        + "no patient data left according to current knowledge; VPN now needs a second factor."));
        return List.copyOf(steps);
    }

    private static Step step(String key, String path, String description, Object... fieldsAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            body.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return new Step(key, path, body, description);
    }

    /** Posts the story with the demo's fixed keys, waits for the query side and returns the incident id. */
    public String load() throws Exception {
        String incidentId = play(KEY_PREFIX, (step, id, version) -> { });
        return incidentId;
    }

    /**
     * Posts every step with {@code keyPrefix + step.key()} as Idempotency-Key, calls the listener after each, waits
     * until the query service shows the last version and returns the incident id.
     */
    public String play(String keyPrefix, StepListener listener) throws Exception {
        String incidentId = null;
        long version = -1;
        for (Step step : steps()) {
            boolean opening = incidentId == null;
            String path = opening ? step.path() : step.path().replace("{id}", incidentId);
            JsonNode answer = post(path, step.body(), keyPrefix + step.key(), opening ? 201 : 200);
            if (opening) {
                incidentId = answer.path("incidentId").asText();
                if (incidentId.isEmpty()) {
                    throw new IOException("the command service answered without an incidentId: " + answer);
                }
            }
            version = answer.path("version").asLong();
            out.println("  demo: " + step.description() + " (version " + version + ")");
            listener.after(step, incidentId, version);
        }
        awaitProjection(incidentId, version);
        return incidentId;
    }

    private JsonNode post(String path, Map<String, Object> body, String idempotencyKey, int expectedStatus)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(commandApi.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", basic("responder"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Idempotency-Key", idempotencyKey)
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
