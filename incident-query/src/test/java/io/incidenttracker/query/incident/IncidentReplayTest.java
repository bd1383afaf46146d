package io.incidenttracker.query.incident;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.query.rebuild.ProjectionDigest;
import io.incidenttracker.query.support.IncidentEventProducer;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What was known when: an incident and the service board as recorded at past instants, and step by step, folded
 * from the event history by the live projection's code.
 */
class IncidentReplayTest extends QueryServiceIntegrationTest {

    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");
    /** Recorded times: a little after each event happened, as the responders entered them. */
    private static final Instant R0 = Instant.parse("2023-08-30T06:20:00Z");
    private static final Instant R1 = Instant.parse("2023-08-30T06:25:00Z");
    private static final Instant R2 = Instant.parse("2023-08-30T07:01:00Z");
    private static final Instant R3 = Instant.parse("2023-08-30T07:06:00Z");
    private static final Instant R4 = Instant.parse("2023-08-30T09:30:00Z");
    private static final Instant R5 = Instant.parse("2023-08-30T10:00:00Z");
    private static final Instant R6 = Instant.parse("2023-08-30T11:00:00Z");

    private static final UUID ID = UUID.randomUUID();
    private static final String BOOKING = "booking-" + ID.toString().substring(0, 8);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    IncidentReplay replay;

    @Autowired
    ProjectionDigest digest;

    @BeforeAll
    static void story() {
        events.publishRecordedAt(0, new IncidentOpened(ID, "Attack on booking", Severity.MEDIUM, T0), R0);
        events.publishRecordedAt(1, new AttackDetected(ID, 1, AttackType.INTRUSION, Severity.HIGH, "Odd logins",
                                                       List.of(BOOKING), List.of("T1078"), T0), R1);
        events.publishRecordedAt(2, new SystemIsolated(ID, BOOKING, "possibly infected", IsolationMethod.UNRECORDED,
                                                       T0.plusSeconds(2700)), R2);
        events.publishRecordedAt(3, new ServiceDisruptionReported(ID, BOOKING, ServiceImpact.UNAVAILABLE,
                                                                  "Booking down", T0.plusSeconds(3000)), R3);
        events.publishRecordedAt(4, new IncidentContained(ID, "Booking isolated", T0.plusSeconds(9000)), R4);
        // the isolation happened ten minutes earlier than first stated
        events.publishRecordedAt(5, new OccurredAtCorrected(ID, 2, T0.plusSeconds(2100), "log review",
                                                            T0.plusSeconds(10_000)), R5);
        events.publishRecordedAt(6, new ServiceRestored(ID, BOOKING, "back", T0.plusSeconds(16_000)), R6);
    }

    @Test
    void answersTheIncidentAsRecordedAtEachInstant() {
        JsonNode live = awaitHistory(6);

        assertThat(asOf(R0.minusSeconds(1)).getStatusCode()).as("before its first event").isEqualTo(HttpStatus.NOT_FOUND);

        JsonNode opened = asOf(R0).getBody();
        assertThat(opened.get("version").asLong()).isZero();
        assertThat(opened.get("severity").asText()).isEqualTo("MEDIUM");
        assertThat(opened.get("attackWaves")).isEmpty();

        JsonNode afterIsolation = asOf(R2.plusSeconds(60)).getBody();
        assertThat(afterIsolation.get("version").asLong()).isEqualTo(2);
        assertThat(afterIsolation.get("severity").asText()).as("raised by the wave").isEqualTo("HIGH");
        assertThat(afterIsolation.get("status").asText()).isEqualTo("DETECTED");
        assertThat(afterIsolation.get("systems").get(0).get("state").asText()).isEqualTo("ISOLATED");
        assertThat(afterIsolation.get("systems").get(0).get("since").asText())
                .as("the stated time: the correction was not recorded yet").isEqualTo("2023-08-30T07:00:00Z");
        assertThat(afterIsolation.get("services")).isEmpty();

        JsonNode contained = asOf(R4).getBody();
        assertThat(contained.get("status").asText()).isEqualTo("CONTAINED");
        assertThat(contained.get("services").get(0).get("state").asText()).isEqualTo("UNAVAILABLE");

        JsonNode corrected = asOf(R5.plusSeconds(1)).getBody();
        assertThat(corrected.get("systems").get(0).get("since").asText()).isEqualTo("2023-08-30T06:50:00Z");
        assertThat(corrected.get("corrections")).hasSize(1);

        assertThat(atSequence(5).getBody()).isEqualTo(corrected);
        assertThat(asOf(Instant.parse("2030-01-01T00:00:00Z")).getBody())
                .as("now, folded from the history, is the live view").isEqualTo(live);
        assertThat(atSequence(6).getBody()).isEqualTo(live);
    }

    @Test
    void stepsThroughEveryEventWithTheStateAfterIt() {
        JsonNode live = awaitHistory(6);
        JsonNode history = as("auditor").getForObject("/api/incidents/{id}/history", JsonNode.class, ID);

        assertThat(history).hasSize(7);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            JsonNode step = history.get(i);
            types.add(step.get("type").asText());
            assertThat(step.get("sequence").asLong()).isEqualTo(i);
            assertThat(step.get("state").get("version").asLong()).isEqualTo(i);
            assertThat(step.get("state")).isEqualTo(atSequence(i).getBody());
        }
        assertThat(types).containsExactly("IncidentOpened", "AttackDetected", "SystemIsolated",
                                          "ServiceDisruptionReported", "IncidentContained", "OccurredAtCorrected",
                                          "ServiceRestored");
        assertThat(history.get(3).get("recordedAt").asText()).isEqualTo(R3.toString());
        assertThat(history.get(3).get("actor").asText()).isEqualTo("responder");
        assertThat(history.get(6).get("state")).isEqualTo(live);

        JsonNode page = as("auditor").getForObject("/api/incidents/{id}/history?fromSequence=4&limit=2",
                                                   JsonNode.class, ID);
        assertThat(page).hasSize(2);
        assertThat(page.get(0).get("sequence").asLong()).isEqualTo(4);
        assertThat(page.get(1).get("state")).isEqualTo(history.get(5).get("state"));
    }

    @Test
    void showsTheServiceBoardAsRecordedAtAnInstant() {
        awaitHistory(6);

        assertThat(boardEntry(R2)).as("no service was reported yet").isNull();
        JsonNode down = boardEntry(R3);
        assertThat(down.get("state").asText()).isEqualTo("UNAVAILABLE");
        assertThat(down.get("since").asText()).isEqualTo("2023-08-30T07:05:00Z");
        assertThat(down.get("incidentId").asText()).isEqualTo(ID.toString());
        assertThat(boardEntry(R6).get("state").asText()).isEqualTo("OPERATIONAL");

        ResponseEntity<JsonNode> bad = as("viewer").getForEntity("/api/services?asOf=yesterday", JsonNode.class);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bad.getBody().get("type").asText()).isEqualTo("urn:problem:incident-tracker:invalid-input");
    }

    @Test
    void answersPastStatesWithoutTouchingTheLiveViews() {
        awaitHistory(6);
        ProjectionDigest.Digest before = digest.compute();

        asOf(R3);
        as("auditor").getForObject("/api/incidents/{id}/history", JsonNode.class, ID);
        as("viewer").getForObject("/api/services?asOf={at}", JsonNode.class, R4);

        assertThat(digest.compute()).isEqualTo(before);
    }

    @Test
    void refusesBadParametersWithProblems() {
        awaitHistory(6);
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}?asOf={at}&atSequence=1", JsonNode.class, ID, R3),
                      HttpStatus.BAD_REQUEST, "invalid-input");
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}?asOf=10:00 on the second day", JsonNode.class,
                                                ID), HttpStatus.BAD_REQUEST, "invalid-input");
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}?atSequence=-1", JsonNode.class, ID),
                      HttpStatus.BAD_REQUEST, "invalid-input");
        assertProblem(atSequence(7), HttpStatus.NOT_FOUND, "not-found");
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}?asOf={at}", JsonNode.class, UUID.randomUUID(),
                                                R3), HttpStatus.NOT_FOUND, "not-found");
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}/history", JsonNode.class, UUID.randomUUID()),
                      HttpStatus.NOT_FOUND, "not-found");
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}/history?limit=0", JsonNode.class, ID),
                      HttpStatus.BAD_REQUEST, "invalid-input");
    }

    @Test
    void projectsASystemIsolationPublishedAtRevisionOne() throws Exception {
        UUID old = UUID.randomUUID();
        events.publish(0, new IncidentOpened(old, "Published before revision 2", Severity.LOW, T0));
        String revisionOne = Files.readString(Path.of("..", "shared-events", "src", "test", "resources", "approved",
                "incident", "io.incidenttracker.incident.system-isolated.v1.json"))
                .replace("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10", old.toString());
        events.publishCloudEvent(IncidentEventProducer.baseEvent(1, old.toString(), UUID.randomUUID().toString(),
                                                                 T0.plusSeconds(2700), R1)
                .withType("io.incidenttracker.incident.system-isolated.v1")
                .withData("application/json", revisionOne.getBytes(StandardCharsets.UTF_8))
                .build());

        JsonNode incident = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> as("viewer").getForObject("/api/incidents/{id}", JsonNode.class, old),
                       node -> node.has("version") && node.get("version").asLong() == 1);
        JsonNode system = incident.get("systems").get(0);
        assertThat(system.get("systemId").asText()).isEqualTo("app-booking");
        assertThat(system.get("state").asText()).isEqualTo("ISOLATED");
        assertThat(system.get("isolationReason").asText()).isEqualTo("possibly infected");
        assertThat(system.get("isolationMethod").asText()).isEqualTo("UNRECORDED");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM incident_event WHERE incident_id = ?", Long.class, old) == 2);
        assertThat(jdbc.queryForObject("SELECT event_type FROM incident_event WHERE incident_id = ? AND sequence = 1",
                                       String.class, old))
                .as("the history keeps the current revision").isEqualTo("io.incidenttracker.incident.system-isolated.v2");
        assertThat(as("auditor").getForObject("/api/incidents/{id}?atSequence=1", JsonNode.class, old))
                .isEqualTo(incident);
    }

    @Test
    void rebuildsTheProjectionsInTheBackgroundWhileTheOldTablesAnswerAndSwapsThemIn() throws Exception {
        JsonNode live = awaitHistory(6);
        ProjectionDigest.Digest before = digest.compute();
        long oldTable = tableOid();
        assertThat(as("viewer").postForEntity("/api/admin/projections/background-rebuild", null, JsonNode.class)
                           .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);

        ResponseEntity<JsonNode> started = as("admin").postForEntity("/api/admin/projections/background-rebuild",
                                                                     null, JsonNode.class);
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        assertThat(incidentNow().getStatusCode()).as("the old tables keep answering").isEqualTo(HttpStatus.OK);

        JsonNode done = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> as("admin").getForObject("/api/admin/projections/background-rebuild", JsonNode.class),
                       progress -> !progress.get("phase").asText().matches("BUILDING|SWAPPING"));
        assertThat(done.get("phase").asText()).as(done.toString()).isEqualTo("DONE");
        long kept = jdbc.queryForObject("SELECT count(*) FROM incident_event", Long.class);
        assertThat(done.get("eventsDone").asLong()).isEqualTo(kept);
        assertThat(done.get("eventsTotal").asLong()).isEqualTo(kept);
        assertThat(done.get("eventsPerSecond").asDouble()).isPositive();
        assertThat(tableOid()).as("new tables were swapped in").isNotEqualTo(oldTable);
        assertThat(digest.compute()).isEqualTo(before);
        assertThat(incidentNow().getBody()).isEqualTo(live);

        // the live processor goes on writing into the new tables
        UUID later = UUID.randomUUID();
        events.publish(0, new IncidentOpened(later, "Opened after the swap", Severity.LOW, T0));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> as("viewer")
                .getForEntity("/api/incidents/{id}", JsonNode.class, later).getStatusCode() == HttpStatus.OK);
    }

    private long tableOid() {
        return jdbc.queryForObject("SELECT 'public.incident'::regclass::oid::bigint", Long.class);
    }

    private ResponseEntity<JsonNode> incidentNow() {
        return as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, ID);
    }

    @Test
    void stopsTheFoldAtAGapInTheHistory() {
        UUID gapped = UUID.randomUUID();
        insertHistory(gapped, 0, "io.incidenttracker.incident.incident-opened.v1", """
                {"incidentId":"%s","title":"Gapped","severity":"LOW","occurredAt":"2023-08-30T06:15:00Z"}"""
                .formatted(gapped));
        insertHistory(gapped, 2, "io.incidenttracker.incident.severity-changed.v1", """
                {"incidentId":"%s","severity":"HIGH","reason":"x","occurredAt":"2023-08-30T06:16:00Z"}"""
                .formatted(gapped));

        try {
            assertThat(replay.asOf(gapped, Instant.parse("2030-01-01T00:00:00Z")))
                    .hasValueSatisfying(incident -> {
                        assertThat(incident.version()).isZero();
                        assertThat(incident.severity()).isEqualTo(Severity.LOW);
                    });
        } finally {
            // written here directly, not received: must not stay for the other tests of this class
            jdbc.update("DELETE FROM incident_event WHERE incident_id = ?", gapped);
        }
    }

    private void insertHistory(UUID incidentId, long sequence, String type, String payload) {
        jdbc.update("""
                INSERT INTO incident_event (incident_id, sequence, event_id, event_type, payload, actor,
                                            occurred_at, recorded_at)
                VALUES (?, ?, ?, ?, ?::jsonb, 'responder', now(), now())""",
                incidentId, sequence, UUID.randomUUID().toString(), type, payload);
    }

    private JsonNode boardEntry(Instant at) {
        JsonNode board = as("viewer").getForObject("/api/services?asOf={at}", JsonNode.class, at);
        for (JsonNode entry : board) {
            if (entry.get("serviceId").asText().equals(BOOKING)) {
                return entry;
            }
        }
        return null;
    }

    private static void assertProblem(ResponseEntity<JsonNode> response, HttpStatus status, String type) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType().toString()).isEqualTo("application/problem+json");
        assertThat(response.getBody().get("type").asText()).isEqualTo("urn:problem:incident-tracker:" + type);
    }

    private ResponseEntity<JsonNode> asOf(Instant at) {
        return as("auditor").getForEntity("/api/incidents/{id}?asOf={at}", JsonNode.class, ID, at);
    }

    private ResponseEntity<JsonNode> atSequence(long sequence) {
        return as("auditor").getForEntity("/api/incidents/{id}?atSequence={n}", JsonNode.class, ID, sequence);
    }

    /** The live view once both it and the history hold the given sequence. */
    private JsonNode awaitHistory(long sequence) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> jdbc.queryForObject("SELECT count(*) FROM incident_event WHERE incident_id = ?",
                                                 Long.class, ID) > sequence);
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ResponseEntity<JsonNode> response = as("viewer").getForEntity("/api/incidents/{id}",
                                                                                  JsonNode.class, ID);
                    return response.getStatusCode() == HttpStatus.OK ? response.getBody() : null;
                }, node -> node != null && node.get("version").asLong() >= sequence);
    }
}
