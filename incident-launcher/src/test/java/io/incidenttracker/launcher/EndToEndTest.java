package io.incidenttracker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.launcher.support.EndToEndExtension;
import io.incidenttracker.launcher.support.RunningSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole spine, as a client sees it: commands over HTTP to the command service, events through PostgreSQL and a
 * real Kafka broker, status views on the query service following.
 */
@ExtendWith(EndToEndExtension.class)
class EndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theViewsFollowTheFiveCommandsOfAnAttack(RunningSystem system) throws Exception {
        HttpResponse<String> opened = system.postCommand("/api/incidents", "responder", """
                {"title":"Cyberattack on the telemedicine platform","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z","affectedSystems":["app-booking","crm"],
                 "techniques":["T1078"],"description":"Suspicious logins on the booking backend"}""");
        assertThat(opened.statusCode()).as(opened.body()).isEqualTo(201);
        String id = JSON.readTree(opened.body()).get("incidentId").asText();
        // the service board is shared by every incident of the running system: names of this test's own
        String booking = "booking-" + id.substring(0, 8);
        String telephony = "telephony-" + id.substring(0, 8);

        JsonNode detail = awaitVersion(system, id, 1);
        assertThat(detail.get("title").asText()).isEqualTo("Cyberattack on the telemedicine platform");
        assertThat(detail.get("status").asText()).isEqualTo("DETECTED");
        assertThat(detail.get("severity").asText()).isEqualTo("HIGH");
        assertThat(detail.get("openedAt").asText()).isEqualTo("2023-08-30T06:15:00Z");
        assertThat(detail.get("attackWaves")).hasSize(1);
        assertThat(states(detail.get("systems"), "systemId")).containsExactlyInAnyOrder("app-booking=AFFECTED",
                "crm=AFFECTED");
        assertThat(detail.get("services")).isEmpty();

        command(system, "/api/incidents/" + id + "/systems/app-booking/isolation",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\",\"reason\":\"possibly infected\"}", 2);
        command(system, "/api/incidents/" + id + "/services/" + booking + "/disruption",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-08-30T07:00:00Z\",\"description\":\"booking fails\"}", 3);

        detail = awaitVersion(system, id, 3);
        assertThat(states(detail.get("systems"), "systemId")).containsExactlyInAnyOrder("app-booking=ISOLATED",
                "crm=AFFECTED");
        assertThat(states(detail.get("services"), "serviceId")).containsExactly(booking + "=UNAVAILABLE");
        assertThat(boardEntry(system, booking, id).get("state").asText()).isEqualTo("UNAVAILABLE");

        command(system, "/api/incidents/" + id + "/attacks", """
                {"attackType":"RANSOMWARE","detectedAt":"2023-09-04T18:00:00Z","severity":"CRITICAL",
                 "affectedSystems":["pbx"],"techniques":["T1486"]}""", 4);
        command(system, "/api/incidents/" + id + "/services/" + telephony + "/disruption",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-09-04T18:30:00Z\"}", 5);
        command(system, "/api/incidents/" + id + "/services/" + booking + "/restoration",
                "{\"restoredAt\":\"2023-09-05T01:00:00Z\",\"note\":\"booking back\"}", 6);
        command(system, "/api/incidents/" + id + "/services/" + telephony + "/restoration",
                "{\"restoredAt\":\"2023-09-05T01:00:00Z\",\"note\":\"emergency lines back\"}", 7);

        detail = awaitVersion(system, id, 7);
        assertThat(detail.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(detail.get("attackWaves")).hasSize(2);
        assertThat(states(detail.get("services"), "serviceId")).containsExactlyInAnyOrder(
                booking + "=OPERATIONAL", telephony + "=OPERATIONAL");
        JsonNode telephonyOnBoard = boardEntry(system, telephony, id);
        assertThat(telephonyOnBoard.get("state").asText()).isEqualTo("OPERATIONAL");
        assertThat(telephonyOnBoard.get("since").asText()).isEqualTo("2023-09-05T01:00:00Z");

        JsonNode timeline = JSON.readTree(system.getQuery("/api/incidents/" + id + "/timeline", "viewer").body());
        assertThat(timeline).hasSize(8);
        List<Long> sequences = new ArrayList<>();
        timeline.forEach(entry -> {
            sequences.add(entry.get("sequence").asLong());
            assertThat(entry.get("actor").asText()).isEqualTo("responder");
            assertThat(entry.get("summary").asText()).isNotBlank();
            assertThat(entry.get("recordedAt").asText()).isNotBlank();
        });
        assertThat(sequences).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(timeline.get(2).get("type").asText()).isEqualTo("SystemIsolated");
        assertThat(timeline.get(2).get("occurredAt").asText()).isEqualTo("2023-08-30T07:00:00Z");

        JsonNode critical = JSON.readTree(system.getQuery("/api/incidents?severity=CRITICAL", "auditor").body());
        List<String> ids = new ArrayList<>();
        critical.forEach(incident -> ids.add(incident.get("incidentId").asText()));
        assertThat(ids).contains(id);
    }

    @Test
    void aRefusedCommandLeavesTheViewsAsTheyWere(RunningSystem system) throws Exception {
        String id = UUID.randomUUID().toString();
        assertThat(system.postCommand("/api/incidents", "responder", """
                {"incidentId":"%s","title":"Phishing","attackType":"PHISHING","severity":"LOW",
                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id)).statusCode()).isEqualTo(201);
        awaitVersion(system, id, 1);

        HttpResponse<String> refused = system.postCommand("/api/incidents/" + id + "/services/telephony/restoration",
                "responder", "{\"restoredAt\":\"2023-09-05T01:00:00Z\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        HttpResponse<String> forbidden = system.postCommand("/api/incidents/" + id + "/systems/crm/isolation",
                "viewer", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}");
        assertThat(forbidden.statusCode()).isEqualTo(403);

        // a later command proves the query side has consumed everything before it
        command(system, "/api/incidents/" + id + "/systems/crm/isolation", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}", 2);
        JsonNode detail = awaitVersion(system, id, 2);
        assertThat(detail.get("services")).isEmpty();
        JsonNode timeline = JSON.readTree(system.getQuery("/api/incidents/" + id + "/timeline", "viewer").body());
        assertThat(timeline).hasSize(3);
    }

    private static void command(RunningSystem system, String path, String body, long expectedVersion)
            throws Exception {
        HttpResponse<String> response = system.postCommand(path, "responder", body);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("version").asLong()).isEqualTo(expectedVersion);
    }

    /** Polls the incident until the query side has reached the version a command returned, as clients do. */
    private static JsonNode awaitVersion(RunningSystem system, String id, long version) {
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            HttpResponse<String> response = system.getQuery("/api/incidents/" + id, "viewer");
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode detail = JSON.readTree(response.body());
            seen.set(detail);
            return detail.get("version").asLong() >= version;
        });
        assertThat(seen.get().get("version").asLong()).isEqualTo(version);
        assertThat(seen.get().get("incidentId").asText()).isEqualTo(id);
        return seen.get();
    }

    private static JsonNode boardEntry(RunningSystem system, String serviceId, String incidentId) throws Exception {
        JsonNode board = JSON.readTree(system.getQuery("/api/services", "viewer").body());
        for (JsonNode entry : board) {
            if (serviceId.equals(entry.get("serviceId").asText())) {
                assertThat(entry.get("incidentId").asText()).isEqualTo(incidentId);
                return entry;
            }
        }
        throw new AssertionError(serviceId + " is not on the service board: " + board);
    }

    private static List<String> states(JsonNode items, String idField) {
        List<String> states = new ArrayList<>();
        items.forEach(item -> states.add(item.get(idField).asText() + "=" + item.get("state").asText()));
        return states;
    }
}
