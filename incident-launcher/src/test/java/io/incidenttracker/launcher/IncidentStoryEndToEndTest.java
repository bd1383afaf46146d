package io.incidenttracker.launcher;

import java.io.PrintStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.launcher.support.EndToEndExtension;
import io.incidenttracker.launcher.support.RunningSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The story of the 2023 telemedicine attack (README.md) through the HTTP API of both services, with the views checked
 * at the moments people ask about: booking down while telephony still works; both down in the second wave; both back
 * after the night; the closed incident with what was known and told.
 */
@ExtendWith(EndToEndExtension.class)
class IncidentStoryEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void playsTheTwoWaveStoryAndTheViewsAnswerWhatIsDownIsolatedKnownAndTold(RunningSystem system) throws Exception {
        String keys = "story-" + UUID.randomUUID() + "-";
        DemoStory story = new DemoStory(system.commandUri(), system.queryUri(), QUIET);
        List<String> checked = new ArrayList<>();
        List<Moment> moments = new ArrayList<>();

        String incidentId = story.play(keys, (step, id, version) -> {
            switch (step.key()) {
                case "public-update-1" -> {
                    JsonNode incident = awaitVersion(system, id, version);
                    assertThat(incident.get("status").asText()).isEqualTo("CONTAINED");
                    assertThat(state(incident.get("services"), "serviceId", "appointment-booking"))
                            .isEqualTo("UNAVAILABLE");
                    assertThat(state(incident.get("services"), "serviceId", "telephony"))
                            .as("telephony still works").isNull();
                    assertThat(serviceBoard(system).get("appointment-booking")).isEqualTo("UNAVAILABLE");
                    assertThat(serviceBoard(system).getOrDefault("telephony", "OPERATIONAL"))
                            .isEqualTo("OPERATIONAL");
                    assertThat(isolatedSystems(system, id)).containsExactly("app-booking");
                    assertThat(incident.get("dataImpact").get("latest").get("personalData").asText())
                            .isEqualTo("SUSPECTED");
                    checked.add("booking down, telephony up");
                    moments.add(Moment.now("booking down, telephony up", incident, serviceBoard(system)));
                }
                case "disrupt-telephony" -> {
                    JsonNode incident = awaitVersion(system, id, version);
                    assertThat(incident.get("status").asText()).as("the second wave undoes containment")
                            .isEqualTo("DETECTED");
                    assertThat(incident.get("severity").asText()).isEqualTo("CRITICAL");
                    assertThat(state(incident.get("services"), "serviceId", "appointment-booking"))
                            .isEqualTo("UNAVAILABLE");
                    assertThat(state(incident.get("services"), "serviceId", "telephony")).isEqualTo("UNAVAILABLE");
                    assertThat(isolatedSystems(system, id)).containsExactly("app-booking", "telephony-gateway");
                    assertThat(listed(system, "/api/incidents?open=true&severity=CRITICAL")).contains(id);
                    checked.add("both down");
                    moments.add(Moment.now("both down", incident, serviceBoard(system)));
                }
                case "restore-appointment-booking" -> {
                    JsonNode incident = awaitVersion(system, id, version);
                    assertThat(state(incident.get("services"), "serviceId", "appointment-booking"))
                            .isEqualTo("OPERATIONAL");
                    assertThat(state(incident.get("services"), "serviceId", "telephony")).isEqualTo("OPERATIONAL");
                    assertThat(state(incident.get("systems"), "systemId", "app-booking")).isEqualTo("RECONNECTED");
                    assertThat(isolatedSystems(system, id)).isEmpty();
                    checked.add("both back");
                    moments.add(Moment.now("both back", incident, serviceBoard(system)));
                }
                default -> {
                }
            }
        });
        assertThat(checked).containsExactly("booking down, telephony up", "both down", "both back");
        assertWhatWasKnownAtEachMoment(system, incidentId, moments);

        JsonNode incident = query(system, "/api/incidents/" + incidentId);
        assertThat(incident.get("status").asText()).isEqualTo("CLOSED");
        assertThat(incident.get("commanderId").asText()).isEqualTo("ciso-duty");
        assertThat(incident.get("attackWaves")).hasSize(2);
        assertThat(incident.get("closure").get("postIncidentSummary").asText()).startsWith("Two waves four days apart");
        JsonNode dataImpact = incident.get("dataImpact");
        assertThat(dataImpact.get("history")).hasSize(2);
        assertThat(dataImpact.get("latest").get("personalData").asText()).isEqualTo("NONE_KNOWN");
        assertThat(dataImpact.get("latest").get("rationale").asText())
                .isEqualTo("No patient data left, according to current knowledge.");
        assertThat(incident.get("notifications")).hasSize(3);
        assertThat(incident.get("notifications").get(0).get("authority").asText()).isEqualTo("FDPIC");
        JsonNode notification = incident.get("notifications").get(1);
        assertThat(notification.get("authority").asText()).isEqualTo("NCSC");
        assertThat(notification.get("notifiedAt").asText()).isEqualTo("2023-09-05T09:00:00Z");
        List<String> publicUpdates = new ArrayList<>();
        incident.get("statusUpdates").forEach(update -> {
            if (update.get("audience").asText().equals("PUBLIC")) {
                publicUpdates.add(update.get("publishedAt").asText());
            }
        });
        assertThat(publicUpdates).containsExactly("2023-08-30T13:00:00Z", "2023-09-05T07:00:00Z",
                "2023-10-02T09:00:00Z");
        JsonNode analysis = incident.get("forensicAnalyses").get(0);
        assertThat(analysis.get("findings").get(0).get("techniques").toString()).isEqualTo("[\"T1078\",\"T1486\"]");
        assertThat(analysis.get("concludedAt").asText()).isEqualTo("2023-09-29T16:00:00Z");

        // the corrected isolation time: views show it, the timeline shows both
        JsonNode correction = incident.get("corrections").get(0);
        assertThat(correction.get("correctedType").asText()).isEqualTo("SystemIsolated");
        assertThat(correction.get("originalOccurredAt").asText()).isEqualTo("2023-08-30T06:40:00Z");
        JsonNode timeline = query(system, "/api/incidents/" + incidentId + "/timeline");
        JsonNode isolation = timeline.get(4);
        assertThat(isolation.get("type").asText()).isEqualTo("SystemIsolated");
        assertThat(isolation.get("occurredAt").asText()).isEqualTo("2023-08-30T06:40:00Z");
        assertThat(isolation.get("correctedOccurredAt").asText()).isEqualTo("2023-08-30T06:35:00Z");
        timeline.forEach(entry -> assertThat(entry.get("summary").asText()).isNotBlank());

        JsonNode metrics = query(system, "/api/incidents/" + incidentId + "/metrics");
        assertThat(metrics.get("timeToDetect").asText()).isEqualTo("PT7H35M");
        assertThat(metrics.get("timeToContain").asText()).isEqualTo("PT3H45M");
        assertThat(metrics.get("waves").get(1).get("timeToDetect").asText()).isEqualTo("PT1H30M");
        assertThat(metrics.get("waves").get(1).get("timeToContain").asText()).isEqualTo("PT4H");
        Map<String, String> restore = new HashMap<>();
        metrics.get("services").forEach(s -> restore.put(s.get("serviceId").asText(), s.get("timeToRestore").asText()));
        assertThat(restore).containsEntry("telephony", "PT6H30M")
                .containsEntry("appointment-booking", Duration.parse("P5DT18H15M").toString());
        assertThat(metrics.get("timeToResolve").asText()).isEqualTo(Duration.parse("P30DT10H45M").toString());

        assertThat(listed(system, "/api/incidents?open=false&openedFrom=2023-08-30T00:00:00Z"
                + "&openedBefore=2023-08-31T00:00:00Z")).contains(incidentId);

        // the reporting clocks the story started, each fulfilled by a report made in time
        JsonNode obligations = query(system, "/api/incidents/" + incidentId + "/obligations");
        List<String> clocks = new ArrayList<>();
        obligations.forEach(o -> clocks.add(o.get("regime").asText() + "/" + o.get("clock").asText() + " "
                + o.get("startedAt").asText() + " due " + o.get("dueAt").asText() + " " + o.get("state").asText()
                + (o.get("late").asBoolean() ? " late" : " in time")));
        assertThat(clocks).containsExactly(
                "CH-NDSG/fdpic-report 2023-08-30T12:00:00Z due 2023-09-02T12:00:00Z FULFILLED in time",
                "CH-ISG/initial-report 2023-09-04T19:00:00Z due 2023-09-05T19:00:00Z FULFILLED in time",
                "CH-ISG/completion 2023-09-04T19:00:00Z due 2023-09-18T19:00:00Z FULFILLED in time");
        assertThat(obligations.get(0).get("trigger").asText()).isEqualTo("personal-data-suspected");
        assertThat(obligations.get(1).get("trigger").asText()).isEqualTo("critical-infrastructure-affected");
        List<String> clockEntries = new ArrayList<>();
        query(system, "/api/incidents/" + incidentId + "/timeline").forEach(entry -> {
            if (entry.get("type").asText().equals("ObligationFulfilled")) {
                clockEntries.add(entry.get("summary").asText());
            }
        });
        assertThat(clockEntries).hasSize(3).allSatisfy(summary -> assertThat(summary)
                .startsWith("Reporting obligation fulfilled: CH-"));
        JsonNode report = query(system, "/api/incidents/" + incidentId + "/reports/CH-ISG");
        assertThat(report.get("obligations")).hasSize(2);
        assertThat(report.get("missing").toString()).contains("criminal-complaint").doesNotContain("severity");
        HttpResponse<String> markdown = system.send(HttpRequest.newBuilder(system.queryUri()
                        .resolve("/api/incidents/" + incidentId + "/reports/CH-NDSG"))
                .header("Authorization", RunningSystem.basicAuth("viewer", "viewer"))
                .header("Accept", "text/markdown").GET().build());
        assertThat(markdown.statusCode()).isEqualTo(200);
        assertThat(markdown.body()).startsWith("# Report draft: Swiss Federal Act on Data Protection (nDSG) Art. 24")
                .contains("- **Categories of data** (`data-categories`): \n  - health-data\n");

        // playing the story again with the same keys appends nothing
        String again = story.play(keys, (step, id, version) -> { });
        assertThat(again).isEqualTo(incidentId);
        assertThat(query(system, "/api/incidents/" + incidentId).get("version").asLong())
                .isEqualTo(incident.get("version").asLong());
    }

    @Test
    void theOpenApiDocumentsListTheNewEndpointsAndViews(RunningSystem system) throws Exception {
        JsonNode commandPaths = JSON.readTree(system.getCommand("/v3/api-docs", null).body()).get("paths");
        assertThat(commandPaths.has("/api/incidents/{incidentId}/closure")).isTrue();
        assertThat(commandPaths.has("/api/incidents/{incidentId}/corrections")).isTrue();
        JsonNode queryPaths = JSON.readTree(system.getQuery("/v3/api-docs", null).body()).get("paths");
        assertThat(queryPaths.has("/api/isolated-systems")).isTrue();
        assertThat(queryPaths.has("/api/incidents/{id}/metrics")).isTrue();
        assertThat(queryPaths.has("/api/incidents/{id}/history")).isTrue();
        assertThat(queryPaths.has("/api/admin/projections/background-rebuild")).isTrue();
        assertThat(queryPaths.get("/api/incidents/{id}").get("get").get("parameters").toString())
                .contains("asOf").contains("atSequence");
        assertThat(queryPaths.get("/api/services").get("get").get("parameters").toString()).contains("asOf");
        assertThat(commandPaths.has("/api/admin/events/republish")).isTrue();
        assertThat(commandPaths.has("/api/incidents/{incidentId}/classification")).isTrue();
        assertThat(queryPaths.has("/api/obligations")).isTrue();
        assertThat(queryPaths.has("/api/incidents/{id}/obligations")).isTrue();
        assertThat(queryPaths.has("/api/incidents/{id}/reports/{regime}")).isTrue();
    }

    /** What a dashboard showed at an instant of the story: the incident and the story's services on the board. */
    record Moment(String label, Instant at, JsonNode incident, Map<String, String> board) {

        /**
         * The moment is the instant the shown incident's last event was recorded (to the end of that millisecond, the
         * view's precision), not the wall clock after reading it: a reporting clock's deadline can record an event
         * of its own at any time, and the view read a moment ago may already be one event behind the store.
         */
        static Moment now(String label, JsonNode incident, Map<String, String> board) {
            Map<String, String> storyServices = new HashMap<>();
            for (String service : List.of("appointment-booking", "telephony")) {
                storyServices.put(service, board.get(service));
            }
            Instant lastRecorded = Instant.parse(incident.get("lastRecordedAt").asText());
            return new Moment(label, lastRecorded.truncatedTo(ChronoUnit.MILLIS).plusMillis(1).minusNanos(1), incident,
                              storyServices);
        }
    }

    /**
     * The auditor's question, asked afterwards: the incident and the board as recorded at each moment are what the
     * views showed then; stepping through the history passes through every one of those states.
     */
    private static void assertWhatWasKnownAtEachMoment(RunningSystem system, String incidentId, List<Moment> moments)
            throws Exception {
        for (Moment moment : moments) {
            String path = "/api/incidents/" + incidentId + "?asOf=" + moment.at();
            JsonNode asOf = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> JSON.readTree(system.getQuery(path, "auditor").body()),
                           node -> node.has("version")
                                   && node.get("version").asLong() >= moment.incident().get("version").asLong());
            assertThat(asOf).as(moment.label()).isEqualTo(moment.incident());
            Map<String, String> board = new HashMap<>();
            query(system, "/api/services?asOf=" + moment.at())
                    .forEach(e -> board.put(e.get("serviceId").asText(), e.get("state").asText()));
            moment.board().forEach((service, state) ->
                    assertThat(board.get(service)).as(moment.label() + ": " + service).isEqualTo(state));
            JsonNode atSequence = query(system, "/api/incidents/" + incidentId + "?atSequence="
                    + moment.incident().get("version").asLong());
            assertThat(atSequence).as(moment.label()).isEqualTo(moment.incident());
        }
        HttpResponse<String> before = system.getQuery("/api/incidents/" + incidentId + "?asOf="
                + moments.get(0).at().minus(Duration.ofDays(1)), "auditor");
        assertThat(before.statusCode()).as("the day before, nothing was recorded").isEqualTo(404);
    }

    private static JsonNode awaitVersion(RunningSystem system, String id, long version) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<String> response = system.getQuery("/api/incidents/" + id, "viewer");
                    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
                }, node -> node != null && node.get("version").asLong() >= version);
    }

    private static JsonNode query(RunningSystem system, String path) throws Exception {
        HttpResponse<String> response = system.getQuery(path, "viewer");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String state(JsonNode entries, String idField, String id) {
        for (JsonNode entry : entries) {
            if (entry.get(idField).asText().equals(id)) {
                return entry.get("state").asText();
            }
        }
        return null;
    }

    private static Map<String, String> serviceBoard(RunningSystem system) throws Exception {
        Map<String, String> board = new HashMap<>();
        query(system, "/api/services").forEach(e -> board.put(e.get("serviceId").asText(), e.get("state").asText()));
        return board;
    }

    private static List<String> isolatedSystems(RunningSystem system, String incidentId) throws Exception {
        List<String> systems = new ArrayList<>();
        query(system, "/api/isolated-systems").forEach(entry -> {
            if (entry.get("incidentId").asText().equals(incidentId)) {
                systems.add(entry.get("systemId").asText());
            }
        });
        return systems;
    }

    private static List<String> listed(RunningSystem system, String path) throws Exception {
        List<String> ids = new ArrayList<>();
        query(system, path).forEach(entry -> ids.add(entry.get("incidentId").asText()));
        return ids;
    }
}
