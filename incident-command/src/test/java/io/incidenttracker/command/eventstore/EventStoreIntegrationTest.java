package io.incidenttracker.command.eventstore;

import io.incidenttracker.command.CommandServiceIntegration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The event store of the running service: events are immutable in the database, incidents with long histories load
 * from snapshots with the same rules, and events stored at an older revision are read at the current one.
 */
class EventStoreIntegrationTest extends CommandServiceIntegration {

    @Test
    void theDatabaseRefusesToChangeOrDeleteEvents() {
        openIncident();
        assertThatThrownBy(() -> jdbc.update("UPDATE domain_event_entry SET payload_type = 'x'"))
                .rootCause().hasMessageContaining("events are immutable");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM domain_event_entry"))
                .rootCause().hasMessageContaining("events are immutable");
        assertThatThrownBy(() -> jdbc.execute("TRUNCATE domain_event_entry"))
                .rootCause().hasMessageContaining("events are immutable");
    }

    /**
     * Snapshots: once a command finds more events than the threshold past the last snapshot, one is written after
     * the commit, and the commands after it load from it (and from the few events past it), answering the same
     * versions and refusing the same things as before.
     */
    @Test
    void anIncidentWithALongHistoryIsSnapshottedAndKeepsItsRules() throws Exception {
        UUID id = openIncident();
        long version = 1;
        for (int i = 0; i < 30; i++) {
            String path = "/api/incidents/" + id + "/services/portal/" + (i % 2 == 0 ? "disruption" : "restoration");
            String at = Instant.parse("2023-08-30T07:00:00Z").plus(Duration.ofMinutes(i)).toString();
            String body = i % 2 == 0 ? "{\"impact\":\"DEGRADED\",\"since\":\"" + at + "\"}"
                    : "{\"restoredAt\":\"" + at + "\"}";
            assertVersion(http().post(path, "responder", body), ++version);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM snapshot_event_entry WHERE aggregate_identifier = ?", Long.class,
                id.toString()) > 0);
        assertThat(jdbc.queryForObject("SELECT payload_revision FROM snapshot_event_entry "
                + "WHERE aggregate_identifier = ?", String.class, id.toString())).isEqualTo("3");
        // loading starts from the snapshot: it reads back as the aggregate's state, not as an error and a replay
        assertThat(eventStore.readEvents(id.toString()).peek().getPayload())
                .isInstanceOf(io.incidenttracker.command.incident.Incident.class);

        // the portal was restored last: a second restoration is refused, from state the snapshot carried
        assertProblem(http().post("/api/incidents/" + id + "/services/portal/restoration", "responder",
                "{\"restoredAt\":\"2023-08-30T09:00:00Z\"}"), 409,
                "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post("/api/incidents/" + id + "/services/portal/disruption", "responder",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-08-30T09:00:00Z\"}"), version + 1);
    }

    /**
     * A load reads an incident's events in batches of {@value EventStoreConfiguration#EVENT_BATCH_SIZE} and stops at
     * the first shorter batch: a history of exactly one batch, and one of more than two, still read whole and in
     * order, from the start and from the middle.
     */
    @Test
    void historiesOfExactlyOneBatchAndOfSeveralBatchesReadWhole() throws Exception {
        int batch = EventStoreConfiguration.EVENT_BATCH_SIZE;
        UUID exactlyOneBatch = incidentWithEvents(batch);
        UUID severalBatches = incidentWithEvents(2 * batch + 7);
        assertThat(sequencesOf(exactlyOneBatch, 0)).hasSize(batch).isSorted().startsWith(0L).endsWith(batch - 1L);
        assertThat(sequencesOf(severalBatches, 0)).hasSize(2 * batch + 7).isSorted().endsWith(2L * batch + 6);
        assertThat(sequencesOf(severalBatches, batch + 3)).hasSize(batch + 4).startsWith((long) batch + 3);
    }

    private UUID incidentWithEvents(int events) throws Exception {
        UUID id = openIncident();
        long opened = jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry "
                + "WHERE aggregate_identifier = ?", Long.class, id.toString());
        for (int i = (int) opened + 1; i < events; i++) {
            boolean disrupt = (i - opened) % 2 == 1;
            String path = "/api/incidents/" + id + "/services/portal/" + (disrupt ? "disruption" : "restoration");
            String at = Instant.parse("2023-08-30T07:00:00Z").plus(Duration.ofMinutes(i)).toString();
            String body = disrupt ? "{\"impact\":\"DEGRADED\",\"since\":\"" + at + "\"}"
                    : "{\"restoredAt\":\"" + at + "\"}";
            assertVersion(http().post(path, "responder", body), i);
        }
        return id;
    }

    /** The stored events from {@code first} on, without snapshots. */
    private java.util.List<Long> sequencesOf(UUID id, long first) {
        return eventStore.readEvents(id.toString(), first).asStream()
                .map(org.axonframework.eventhandling.DomainEventMessage::getSequenceNumber).toList();
    }

    @Test
    void readsASystemIsolationStoredAtRevisionOneAsRevisionTwoInTheAggregateAndOnTheTopic() throws Exception {
        UUID id = openIncident();
        storeAtRevisionOne(id, SYSTEM_ISOLATED_V1, "io.incidenttracker.events.incident.SystemIsolated");

        HttpResponse<String> again = http().post("/api/incidents/" + id + "/systems/app-booking/isolation",
                "responder", "{\"isolatedAt\":\"2023-08-30T08:00:00Z\",\"method\":\"NETWORK\"}");
        assertProblem(again, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post("/api/incidents/" + id + "/systems/app-booking/reconnection", "responder",
                "{\"reconnectedAt\":\"2023-08-30T09:00:00Z\"}"), 3);

        ConsumerRecord<String, byte[]> isolation = distinctEventsOf(id, 4).get(2);
        assertThat(header(isolation, "ce_type")).isEqualTo("io.incidenttracker.incident.system-isolated.v2");
        assertThat(JSON.readTree(isolation.value())).isEqualTo(JSON.readTree("""
                {"incidentId":"%s","systemId":"app-booking","reason":"possibly infected","method":"UNRECORDED",
                 "occurredAt":"2023-08-30T07:00:00Z"}""".formatted(id)));
    }

    @Test
    void readsAStatusUpdateStoredAtRevisionOneAsRevisionTwoWithoutAPublicName() throws Exception {
        UUID id = openIncident();
        storeAtRevisionOne(id, STATUS_UPDATE_V1, "io.incidenttracker.events.incident.StatusUpdatePublished");

        // the old public update gave the incident no public name: the next public update must
        assertProblem(http().post("/api/incidents/" + id + "/status-updates", "responder", """
                {"audience":"PUBLIC","text":"Still down","publishedAt":"2023-09-05T08:00:00Z"}"""), 409,
                "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post("/api/incidents/" + id + "/status-updates", "responder", """
                {"audience":"PUBLIC","text":"Still down","headline":"Telephone lines down",
                 "publishedAt":"2023-09-05T08:00:00Z"}"""), 3);

        ConsumerRecord<String, byte[]> update = distinctEventsOf(id, 4).get(2);
        assertThat(header(update, "ce_type")).isEqualTo("io.incidenttracker.incident.status-update-published.v2");
        assertThat(JSON.readTree(update.value())).isEqualTo(JSON.readTree("""
                {"incidentId":"%s","audience":"PUBLIC",
                 "text":"Doctors can treat patients again; emergency lines are back.",
                 "headline":null,"status":null,"impact":null,"occurredAt":"2023-09-05T07:00:00Z"}""".formatted(id)));
    }

    /** Writes an approved revision-1 sample into the store as the incident's event at sequence 2. */
    private void storeAtRevisionOne(UUID id, Path sample, String payloadType) throws Exception {
        Map<String, Object> opened = jdbc.queryForMap("""
                SELECT type, meta_data FROM domain_event_entry
                WHERE aggregate_identifier = ? AND sequence_number = 0""",
                id.toString());
        String revisionOne = Files.readString(sample).replace("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10", id.toString());
        jdbc.update("""
                INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                                                meta_data, payload, payload_revision, payload_type, time_stamp)
                VALUES (?, 2, ?, ?, ?, ?, '1', ?, ?)""",
                id.toString(), opened.get("type"), UUID.randomUUID().toString(), opened.get("meta_data"),
                revisionOne.getBytes(StandardCharsets.UTF_8), payloadType, Instant.now().toString());
    }

    /** The revision-1 sample of status-update-published, frozen by the contract's approval tests. */
    static final Path STATUS_UPDATE_V1 = Path.of("..", "shared-events", "src", "test", "resources", "approved",
            "incident", "io.incidenttracker.incident.status-update-published.v1.json");

    /** The revision-1 sample frozen by the contract's approval tests, shared with the query service's tests. */
    static final Path SYSTEM_ISOLATED_V1 = Path.of("..", "shared-events", "src", "test", "resources", "approved",
            "incident", "io.incidenttracker.incident.system-isolated.v1.json");
}
