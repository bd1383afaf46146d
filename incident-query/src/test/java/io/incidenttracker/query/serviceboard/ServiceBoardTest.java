package io.incidenttracker.query.serviceboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service board is a table the projection keeps; it answers exactly what the former view computed at each read:
 * per service, the worst current state across incidents (UNAVAILABLE, then DEGRADED, then OPERATIONAL), ties broken
 * by the latest change, then by the lowest incident id, with the incident that holds it.
 */
class ServiceBoardTest extends QueryServiceIntegrationTest {

    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");

    /** The former view's definition (V1), over the live per-incident service states. */
    private static final String FORMER_VIEW = """
            SELECT DISTINCT ON (service_id) service_id, state, since, incident_id
            FROM incident_service
            ORDER BY service_id, CASE state WHEN 'UNAVAILABLE' THEN 2 WHEN 'DEGRADED' THEN 1 ELSE 0 END DESC,
                     since DESC, incident_id""";

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aWorseStateInAnotherIncidentTakesTheServiceAndAMilderOneDoesNot() {
        String service = service("mail");
        UUID first = disruptedIn(service, ServiceImpact.DEGRADED, T0.plusSeconds(60));
        assertEntry(service, "DEGRADED", T0.plusSeconds(60), first);

        UUID second = disruptedIn(service, ServiceImpact.UNAVAILABLE, T0.plusSeconds(30));
        assertEntry(service, "UNAVAILABLE", T0.plusSeconds(30), second);

        disruptedIn(service, ServiceImpact.DEGRADED, T0.plusSeconds(600));
        assertEntry(service, "UNAVAILABLE", T0.plusSeconds(30), second);
    }

    @Test
    void amongEqualStatesTheLatestChangeWinsThenTheLowestIncidentId() {
        String service = service("portal");
        UUID later = disruptedIn(service, ServiceImpact.UNAVAILABLE, T0.plusSeconds(120));
        disruptedIn(service, ServiceImpact.UNAVAILABLE, T0.plusSeconds(60));
        assertEntry(service, "UNAVAILABLE", T0.plusSeconds(120), later);

        String tied = service("tied");
        UUID a = disruptedIn(tied, ServiceImpact.DEGRADED, T0.plusSeconds(60));
        UUID b = disruptedIn(tied, ServiceImpact.DEGRADED, T0.plusSeconds(60));
        UUID lowest = a.toString().compareTo(b.toString()) < 0 ? a : b;
        assertEntry(tied, "DEGRADED", T0.plusSeconds(60), lowest);
    }

    @Test
    void aRestorationHandsTheServiceToTheNextWorstIncidentAndAllRestoredShowsOperational() {
        String service = service("booking");
        UUID down = disruptedIn(service, ServiceImpact.UNAVAILABLE, T0.plusSeconds(60));
        UUID slow = disruptedIn(service, ServiceImpact.DEGRADED, T0.plusSeconds(90));
        assertEntry(service, "UNAVAILABLE", T0.plusSeconds(60), down);

        events.publish(3, new ServiceRestored(down, service, "back", T0.plusSeconds(300)));
        awaitVersion(down, 3);
        assertEntry(service, "DEGRADED", T0.plusSeconds(90), slow);

        events.publish(3, new ServiceRestored(slow, service, "fast again", T0.plusSeconds(200)));
        awaitVersion(slow, 3);
        assertThat(board()).as("a restored service stays on the board").containsKey(service);
        assertEntry(service, "OPERATIONAL", T0.plusSeconds(300), down);
    }

    @Test
    void agreesWithTheFormerViewAfterManyChangesAcrossIncidentsAndServices() {
        Random random = new Random(7);
        List<String> services = List.of(service("a"), service("b"), service("c"));
        List<UUID> incidents = new ArrayList<>();
        Map<UUID, Long> versions = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            UUID id = open(T0);
            incidents.add(id);
            versions.put(id, 1L);
        }
        for (int step = 0; step < 120; step++) {
            UUID id = incidents.get(random.nextInt(incidents.size()));
            String service = services.get(random.nextInt(services.size()));
            long sequence = versions.merge(id, 1L, Long::sum);
            // few distinct times, so that equal states often tie on the time as well
            Instant at = T0.plusSeconds(60L * random.nextInt(5));
            events.publish(sequence, switch (random.nextInt(3)) {
                case 0 -> new ServiceRestored(id, service, null, at);
                case 1 -> new ServiceDisruptionReported(id, service, ServiceImpact.DEGRADED, null, at);
                default -> new ServiceDisruptionReported(id, service, ServiceImpact.UNAVAILABLE, null, at);
            });
        }
        versions.forEach(this::awaitVersion);

        assertThat(jdbc.queryForList("SELECT service_id, state, since, incident_id FROM service_board "
                                             + "ORDER BY service_id"))
                .isEqualTo(jdbc.queryForList(FORMER_VIEW));
        for (String service : services) {
            Map<String, Object> expected = jdbc.queryForMap(
                    "SELECT * FROM (" + FORMER_VIEW + ") v WHERE service_id = ?", service);
            JsonNode entry = board().get(service);
            assertThat(entry.get("state").asText()).isEqualTo(expected.get("state"));
            assertThat(entry.get("incidentId").asText()).isEqualTo(expected.get("incident_id").toString());
        }
    }

    @Test
    void answersTheBoardAsRecordedAtAnInstantFromTheHistory() {
        String service = service("telephony");
        UUID id = UUID.randomUUID();
        Instant opened = Instant.parse("2031-01-01T00:00:00Z");
        events.publishRecordedAt(0, new IncidentOpened(id, "Telephony", Severity.HIGH, opened), opened);
        events.publishRecordedAt(1, new ServiceDisruptionReported(id, service, ServiceImpact.UNAVAILABLE, "down",
                                                                  opened.plusSeconds(60)), opened.plusSeconds(70));
        events.publishRecordedAt(2, new ServiceRestored(id, service, "back", opened.plusSeconds(600)),
                                 opened.plusSeconds(610));
        awaitVersion(id, 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM incident_event WHERE incident_id = ?", Long.class, id) == 3);

        JsonNode down = boardAsOf(opened.plusSeconds(100)).get(service);
        assertThat(down.get("state").asText()).isEqualTo("UNAVAILABLE");
        assertThat(down.get("since").asText()).isEqualTo("2031-01-01T00:01:00Z");
        assertThat(boardAsOf(opened.plusSeconds(10))).doesNotContainKey(service);
        assertThat(boardAsOf(opened.plusSeconds(700)).get(service).get("state").asText()).isEqualTo("OPERATIONAL");
        assertThat(board().get(service).get("state").asText()).isEqualTo("OPERATIONAL");
    }

    @Test
    void aBackgroundRebuildSwapsInTheSameBoardWhichTheProjectionKeepsUpdating() {
        String service = service("lab");
        UUID id = disruptedIn(service, ServiceImpact.DEGRADED, T0.plusSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM incident_event WHERE incident_id = ?", Long.class, id) == 3);
        List<Map<String, Object>> before = jdbc.queryForList("SELECT * FROM service_board ORDER BY service_id");
        long oldTable = jdbc.queryForObject("SELECT 'public.service_board'::regclass::oid::bigint", Long.class);

        ResponseEntity<JsonNode> started = as("admin").postForEntity("/api/admin/projections/background-rebuild",
                                                                     null, JsonNode.class);
        assertThat(started.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        JsonNode done = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> as("admin").getForObject("/api/admin/projections/background-rebuild", JsonNode.class),
                       progress -> !progress.get("phase").asText().matches("BUILDING|SWAPPING"));
        assertThat(done.get("phase").asText()).as(done.toString()).isEqualTo("DONE");
        assertThat(jdbc.queryForObject("SELECT 'public.service_board'::regclass::oid::bigint", Long.class))
                .as("the board was rebuilt and swapped in with the other tables").isNotEqualTo(oldTable);
        assertThat(jdbc.queryForList("SELECT * FROM service_board ORDER BY service_id")).isEqualTo(before);

        disrupt(id, 3, service, ServiceImpact.UNAVAILABLE, T0.plusSeconds(120));
        awaitVersion(id, 3);
        assertEntry(service, "UNAVAILABLE", T0.plusSeconds(120), id);
    }

    private static String service(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private UUID open(Instant at) {
        UUID id = UUID.randomUUID();
        events.publish(0, new IncidentOpened(id, "Board " + id, Severity.HIGH, at));
        events.publish(1, new AttackDetected(id, 1, AttackType.MALWARE, Severity.HIGH, null, List.of(), List.of(), at));
        return id;
    }

    private void disrupt(UUID id, long sequence, String service, ServiceImpact impact, Instant at) {
        events.publish(sequence, new ServiceDisruptionReported(id, service, impact, null, at));
    }

    /** A new incident in which the service was disrupted, once its view shows it. */
    private UUID disruptedIn(String service, ServiceImpact impact, Instant at) {
        UUID id = open(T0);
        disrupt(id, 2, service, impact, at);
        awaitVersion(id, 2);
        return id;
    }

    private void awaitVersion(UUID id, long version) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            ResponseEntity<JsonNode> response = as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, id);
            return response.getStatusCode() == HttpStatus.OK && response.getBody().get("version").asLong() >= version;
        });
    }

    private void assertEntry(String service, String state, Instant since, UUID incident) {
        JsonNode entry = board().get(service);
        assertThat(entry).as("board entry of " + service).isNotNull();
        assertThat(entry.get("state").asText()).isEqualTo(state);
        assertThat(entry.get("since").asText()).isEqualTo(since.toString());
        assertThat(entry.get("incidentId").asText()).isEqualTo(incident.toString());
    }

    private Map<String, JsonNode> board() {
        return entries(as("viewer").getForEntity("/api/services", JsonNode.class));
    }

    private Map<String, JsonNode> boardAsOf(Instant at) {
        return entries(as("auditor").getForEntity("/api/services?asOf={at}", JsonNode.class, at));
    }

    private static Map<String, JsonNode> entries(ResponseEntity<JsonNode> response) {
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, JsonNode> board = new HashMap<>();
        response.getBody().forEach(entry -> board.put(entry.get("serviceId").asText(), entry));
        return board;
    }
}
