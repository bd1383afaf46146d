package io.incidenttracker.query.incident;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import io.incidenttracker.query.consuming.FetchOrderBuffer;
import io.incidenttracker.query.consuming.Processors;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.axonframework.springboot.autoconfig.AxonTimeoutAutoConfiguration;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.StreamableKafkaMessageSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.util.ReflectionTestUtils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events published on Kafka become the status views served over HTTP. */
class IncidentProjectionTest extends QueryServiceIntegrationTest {

    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    EventProcessingConfiguration processing;

    @Autowired
    TransactionManager transactionManager;

    @Autowired
    ApplicationContext context;

    /**
     * Axon 4.13.0 captures the handling thread's whole stack whenever one of its time-outs starts: for every event
     * and every handler of a projection. They are off (docs/performance-log.md, "Freshness under overload").
     */
    @Test
    void projectsWithoutAxonsTimeOutsThatCaptureTheStackPerHandler() {
        assertThat(context.getEnvironment().getProperty("axon.timeout.enabled")).isEqualTo("false");
        assertThat(context.getBeanNamesForType(AxonTimeoutAutoConfiguration.class)).isEmpty();
    }

    @Autowired
    StreamableKafkaMessageSource<String, byte[]> messageSource;

    @Test
    void projectsAnIncidentsWholeStoryIntoListDetailTimelineAndServiceBoard() {
        UUID id = UUID.randomUUID();
        String suffix = id.toString().substring(0, 8);
        String booking = "app-booking-" + suffix;
        String crm = "crm-" + suffix;
        String telephony = "telephony-" + suffix;
        String pbx = "pbx-" + suffix;

        events.publish(0, new IncidentOpened(id, "Cyberattack on telemedicine platform", Severity.HIGH, T0));
        events.publish(1, new AttackDetected(id, 1, AttackType.INTRUSION, Severity.HIGH, "Suspicious logins",
                                             List.of(booking, crm), List.of("T1078"), T0));
        events.publish(2, new SystemIsolated(id, booking, "possibly infected", IsolationMethod.UNRECORDED, T0.plusSeconds(2700)));
        events.publish(3, new ServiceDisruptionReported(id, booking, ServiceImpact.UNAVAILABLE,
                                                        "Booking down after isolation", T0.plusSeconds(3000)));
        Instant wave2 = Instant.parse("2023-09-04T18:00:00Z");
        events.publish(4, new AttackDetected(id, 2, AttackType.RANSOMWARE, Severity.CRITICAL, null,
                                             List.of(booking, pbx), List.of("T1486"), wave2));
        events.publish(5, new ServiceDisruptionReported(id, telephony, ServiceImpact.DEGRADED, "Calls drop",
                                                        wave2.plusSeconds(600)));
        events.publish(6, new ServiceDisruptionReported(id, telephony, ServiceImpact.UNAVAILABLE,
                                                        "Telephony down", wave2.plusSeconds(1800)));
        Instant restored = Instant.parse("2023-09-05T01:00:00Z");
        events.publish(7, new ServiceRestored(id, telephony, "emergency lines back", restored));

        JsonNode incident = awaitVersion(id, 7);
        assertThat(incident.get("title").asText()).isEqualTo("Cyberattack on telemedicine platform");
        assertThat(incident.get("status").asText()).isEqualTo("DETECTED");
        assertThat(incident.get("severity").asText()).as("raised by the critical wave").isEqualTo("CRITICAL");
        assertThat(incident.get("openedAt").asText()).isEqualTo("2023-08-30T06:15:00Z");
        assertThat(incident.get("openedBy").asText()).isEqualTo("responder");

        JsonNode waves = incident.get("attackWaves");
        assertThat(waves).hasSize(2);
        assertThat(waves.get(0).get("wave").asInt()).isEqualTo(1);
        assertThat(waves.get(0).get("attackType").asText()).isEqualTo("INTRUSION");
        assertThat(waves.get(0).get("detectedAt").asText()).isEqualTo("2023-08-30T06:15:00Z");
        assertThat(texts(waves.get(0).get("affectedSystems"))).containsExactly(booking, crm);
        assertThat(waves.get(1).get("attackType").asText()).isEqualTo("RANSOMWARE");
        assertThat(waves.get(1).get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(texts(waves.get(1).get("techniques"))).containsExactly("T1486");

        assertThat(stateOf(incident.get("systems"), "systemId", booking))
                .as("an isolated system stays isolated when a later wave names it")
                .containsEntry("state", "ISOLATED").containsEntry("since", "2023-08-30T07:00:00Z");
        assertThat(stateOf(incident.get("systems"), "systemId", crm))
                .containsEntry("state", "AFFECTED").containsEntry("since", "2023-08-30T06:15:00Z");
        assertThat(stateOf(incident.get("systems"), "systemId", pbx))
                .containsEntry("state", "AFFECTED").containsEntry("since", "2023-09-04T18:00:00Z");
        assertThat(stateOf(incident.get("services"), "serviceId", booking))
                .containsEntry("state", "UNAVAILABLE").containsEntry("since", "2023-08-30T07:05:00Z");
        assertThat(stateOf(incident.get("services"), "serviceId", telephony))
                .containsEntry("state", "OPERATIONAL").containsEntry("since", "2023-09-05T01:00:00Z");

        ResponseEntity<JsonNode> timeline = as("viewer").getForEntity("/api/incidents/{id}/timeline", JsonNode.class,
                                                                     id);
        assertThat(timeline.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<String> types = new ArrayList<>();
        timeline.getBody().forEach(entry -> types.add(entry.get("type").asText()));
        assertThat(types).containsExactly("IncidentOpened", "AttackDetected", "SystemIsolated",
                                          "ServiceDisruptionReported", "AttackDetected", "ServiceDisruptionReported",
                                          "ServiceDisruptionReported", "ServiceRestored");
        JsonNode secondWave = timeline.getBody().get(4);
        assertThat(secondWave.get("sequence").asLong()).isEqualTo(4);
        assertThat(secondWave.get("summary").asText())
                .isEqualTo("Attack wave 2 detected: RANSOMWARE (CRITICAL) affecting " + booking + ", " + pbx);
        assertThat(secondWave.get("occurredAt").asText()).isEqualTo("2023-09-04T18:00:00Z");
        assertThat(secondWave.get("actor").asText()).isEqualTo("responder");
        assertThat(secondWave.get("recordedAt").asText()).isNotBlank();
        assertThat(secondWave.get("eventId").asText()).isNotBlank();
        assertThat(timeline.getBody().get(6).get("summary").asText())
                .isEqualTo("Service " + telephony + " UNAVAILABLE: Telephony down");

        List<JsonNode> listed = list("/api/incidents?severity=CRITICAL&status=DETECTED");
        assertThat(listed).anySatisfy(summary -> {
            assertThat(summary.get("incidentId").asText()).isEqualTo(id.toString());
            assertThat(summary.get("version").asLong()).isEqualTo(7);
        });
        assertThat(list("/api/incidents?severity=LOW")).noneSatisfy(
                summary -> assertThat(summary.get("incidentId").asText()).isEqualTo(id.toString()));

        Map<String, JsonNode> board = serviceBoard();
        assertThat(board.get(booking).get("state").asText()).isEqualTo("UNAVAILABLE");
        assertThat(board.get(booking).get("incidentId").asText()).isEqualTo(id.toString());
        assertThat(board.get(telephony).get("state").asText()).isEqualTo("OPERATIONAL");
    }

    @Test
    void countsTheRecordsItsConsumersDecodedAndThoseTheyTookAsAnotherDecodedThem() {
        double before = records("decoded") + records("taken");
        UUID id = UUID.randomUUID();
        open(id, "Counted", T0);
        awaitVersion(id, 1);

        // every processor's consumer reads the record: one of them decodes it, the others decode it or take it
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(records("decoded") + records("taken")).isGreaterThanOrEqualTo(before + 3));
        assertThat(records("decoded")).isPositive();
    }

    @Test
    void measuresEachProcessorsBatchesFromTheEventsWaitToItsCommit() {
        Map<String, double[]> before = new HashMap<>();
        for (String processor : List.of("incident-projection", "incident-history", "audit-ledger")) {
            before.put(processor, batchMeters(processor));
        }
        UUID id = UUID.randomUUID();
        open(id, "Measured", T0);
        awaitVersion(id, 1);

        // each processor commits the event in a batch of its own transaction, with the event's wait counted
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> before.forEach((processor, was) -> {
            double[] now = batchMeters(processor);
            assertThat(now[0] - was[0]).as(processor + ": events in batches").isGreaterThanOrEqualTo(1);
            assertThat(now[1] - was[1]).as(processor + ": commits").isGreaterThanOrEqualTo(1);
            assertThat(now[2] - was[2]).as(processor + ": events' waits").isGreaterThanOrEqualTo(1);
            assertThat(now[1] - was[1]).as(processor + ": a commit per batch").isEqualTo(now[3] - was[3]);
        }));
    }

    /** Events in batches, commits, waits counted and batches, of the processor so far. */
    private double[] batchMeters(String processor) {
        return new double[] {
                meters.get("incident.processor.batch.size").tag("processor", processor).summary().totalAmount(),
                meters.get("incident.processor.commit").tag("processor", processor).timer().count(),
                meters.get("incident.processor.waited").tag("processor", processor).timer().count(),
                meters.get("incident.processor.batch.size").tag("processor", processor).summary().count()};
    }

    private double records(String way) {
        return meters.get("incident.consumer.records").tag("way", way).functionCounter().count();
    }

    @Test
    void listsIncidentsNewestFirst() {
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        open(newer, "Newer", Instant.parse("2024-03-02T00:00:00Z"));
        open(older, "Older", Instant.parse("2024-03-01T00:00:00Z"));
        awaitVersion(older, 1);
        awaitVersion(newer, 1);

        List<String> ids = list("/api/incidents?limit=1000").stream().map(n -> n.get("incidentId").asText()).toList();
        assertThat(ids.indexOf(newer.toString())).isLessThan(ids.indexOf(older.toString()));
        assertThat(list("/api/incidents?limit=1")).hasSize(1);
    }

    @Test
    void showsEachServiceAtItsWorstStateAcrossIncidents() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        String portal = "portal-" + first.toString().substring(0, 8);
        open(first, "First", T0);
        open(second, "Second", T0);
        events.publish(2, new ServiceDisruptionReported(first, portal, ServiceImpact.UNAVAILABLE, "down",
                                                        T0.plusSeconds(60)));
        events.publish(2, new ServiceDisruptionReported(second, portal, ServiceImpact.DEGRADED, "slow",
                                                        T0.plusSeconds(120)));
        awaitVersion(first, 2);
        awaitVersion(second, 2);
        assertThat(serviceBoard().get(portal).get("state").asText()).isEqualTo("UNAVAILABLE");
        assertThat(serviceBoard().get(portal).get("incidentId").asText()).isEqualTo(first.toString());

        events.publish(3, new ServiceRestored(first, portal, null, T0.plusSeconds(180)));
        awaitVersion(first, 3);
        JsonNode entry = serviceBoard().get(portal);
        assertThat(entry.get("state").asText()).isEqualTo("DEGRADED");
        assertThat(entry.get("incidentId").asText()).isEqualTo(second.toString());
        assertThat(entry.get("since").asText()).isEqualTo("2023-08-30T06:17:00Z");
    }

    @Test
    void ignoresAnEventDeliveredTwice() {
        UUID id = UUID.randomUUID();
        double duplicatesBefore = meters.counter("incident.projection.duplicates").count();
        events.publish(0, new IncidentOpened(id, "Twice", Severity.LOW, T0));
        AttackDetected wave = new AttackDetected(id, 1, AttackType.PHISHING, Severity.MEDIUM, "mail",
                                                 List.of("mail-" + id), List.of(), T0);
        String eventId = UUID.randomUUID().toString();
        events.publish(1, wave, eventId);
        events.publish(1, wave, eventId);
        events.publish(2, new SystemIsolated(id, "mail-" + id, null, IsolationMethod.UNRECORDED, T0.plusSeconds(10)));

        JsonNode incident = awaitVersion(id, 2);
        assertThat(incident.get("attackWaves")).hasSize(1);
        assertThat(incident.get("severity").asText()).isEqualTo("MEDIUM");
        assertThat(timeline(id)).hasSize(3);
        assertThat(meters.counter("incident.projection.duplicates").count()).isGreaterThan(duplicatesBefore);
    }

    @Test
    void holdsBackAnEventAfterAGapReportsItAndAppliesItOnceTheMissingEventArrives() {
        UUID id = UUID.randomUUID();
        String service = "lab-" + id.toString().substring(0, 8);
        double gapsBefore = meters.counter("incident.projection.gaps").count();
        open(id, "Gap", T0);
        events.publish(3, new ServiceRestored(id, service, "back", T0.plusSeconds(300)));
        awaitVersion(id, 1);

        JsonNode gap = await().atMost(Duration.ofSeconds(30)).until(() -> gapOf(id), g -> g != null);
        assertThat(gap.get("expectedSequence").asLong()).isEqualTo(2);
        assertThat(gap.get("receivedSequence").asLong()).isEqualTo(3);
        ResponseEntity<JsonNode> readiness = as("viewer").getForEntity("/actuator/health/readiness", JsonNode.class);
        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(meters.counter("incident.projection.gaps").count()).isGreaterThan(gapsBefore);
        assertThat(incident(id).get("version").asLong()).as("nothing past the gap is applied").isEqualTo(1);
        assertThat(timeline(id)).hasSize(2);

        events.publish(2, new ServiceDisruptionReported(id, service, ServiceImpact.UNAVAILABLE, "down",
                                                        T0.plusSeconds(200)));
        JsonNode incident = awaitVersion(id, 3);
        assertThat(stateOf(incident.get("services"), "serviceId", service))
                .containsEntry("state", "OPERATIONAL").containsEntry("since", "2023-08-30T06:20:00Z");
        List<Long> sequences = new ArrayList<>();
        timeline(id).forEach(entry -> sequences.add(entry.get("sequence").asLong()));
        assertThat(sequences).containsExactly(0L, 1L, 2L, 3L);
        assertThat(gapOf(id)).as("the gap is cleared").isNull();
    }

    @Test
    void storesAPoisonRecordAndGoesOnProjectingLaterEvents() {
        UUID poisoned = UUID.randomUUID();
        double undecodableBefore = meters.counter("incident.consumer.undecodable").count();
        events.publishGarbage(poisoned.toString(), "not a cloud event".getBytes(StandardCharsets.UTF_8));
        events.publishUnknownType(poisoned, "io.incidenttracker.incident.meteor-strike.v1");
        UUID healthy = UUID.randomUUID();
        open(healthy, "After the poison", T0);

        awaitVersion(healthy, 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT event_type, reason FROM undecodable_record WHERE record_key = ? ORDER BY kafka_offset",
                poisoned.toString())).hasSize(2));
        List<Map<String, Object>> stored = jdbc.queryForList(
                "SELECT event_type, reason FROM undecodable_record WHERE record_key = ? ORDER BY kafka_offset",
                poisoned.toString());
        assertThat(stored.get(1).get("event_type")).isEqualTo("io.incidenttracker.incident.meteor-strike.v1");
        assertThat((String) stored.get(1).get("reason")).contains("unknown event type");
        assertThat(meters.counter("incident.consumer.undecodable").count()).isGreaterThanOrEqualTo(undecodableBefore + 2);
        assertThat(as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, poisoned).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);

        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> deadLetters = deadLettersOf(poisoned);
        assertThat(deadLetters).hasSize(2);
        assertThat(new String(deadLetters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not a cloud event");
        assertThat(new String(deadLetters.get(1).headers().lastHeader("dlq-reason").value(), StandardCharsets.UTF_8))
                .contains("unknown event type");
        assertThat(new String(deadLetters.get(1).headers().lastHeader("dlq-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo("incident-events");
    }

    /** The dead letters of one key, read from the dead-letter topic with a plain consumer. */
    private static List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> deadLettersOf(UUID key) {
        java.util.Properties config = new java.util.Properties();
        config.put("bootstrap.servers", io.incidenttracker.testsupport.KafkaBrokerExtension.bootstrapServers());
        config.put("key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        config.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> found = new java.util.ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(config)) {
            var partition = new org.apache.kafka.common.TopicPartition("incident-events.dlq", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (key.toString().equals(record.key())) {
                        found.add(record);
                    }
                });
                return found.size() >= 2;
            });
        }
        return found;
    }

    @Test
    void retriesAnEventThatFailedWithoutKeepingHalfOfItOrSkippingIt() {
        UUID id = UUID.randomUUID();
        String system = "erp-" + id.toString().substring(0, 8);
        open(id, "Retried", T0);
        awaitVersion(id, 1);
        TrackingEventProcessor processor = processing
                .eventProcessor(Processors.INCIDENT_PROJECTION, TrackingEventProcessor.class).orElseThrow();

        jdbc.execute("ALTER TABLE timeline_entry RENAME TO timeline_entry_away");
        try {
            events.publish(2, new SystemIsolated(id, system, "contain", IsolationMethod.UNRECORDED, T0.plusSeconds(60)));
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> processor.processingStatus().values().stream().anyMatch(EventTrackerStatus::isErrorState));
            assertThat(jdbc.queryForObject("SELECT version FROM incident WHERE incident_id = ?", Long.class, id))
                    .as("the failed event left nothing behind").isEqualTo(1);
            assertThat(jdbc.queryForList("SELECT * FROM incident_system WHERE incident_id = ?", id)).isEmpty();
        } finally {
            jdbc.execute("ALTER TABLE timeline_entry_away RENAME TO timeline_entry");
        }

        JsonNode incident = awaitVersion(id, 2);
        assertThat(stateOf(incident.get("systems"), "systemId", system)).containsEntry("state", "ISOLATED");
        assertThat(timeline(id)).hasSize(3);
    }

    @Test
    void rebuildsTheSameViewsFromTheTopicAfterATokenReset() {
        UUID id = UUID.randomUUID();
        open(id, "Rebuilt", T0);
        events.publish(2, new SystemIsolated(id, "db-" + id, "contain", IsolationMethod.UNRECORDED, T0.plusSeconds(60)));
        awaitVersion(id, 2);
        Map<String, List<Map<String, Object>>> before = await().atMost(Duration.ofSeconds(30))
                .until(this::projectionSnapshot, snapshot -> snapshot.equals(projectionSnapshot()));

        StreamingEventProcessor processor = processing
                .eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class).orElseThrow();
        processor.shutDown();
        processor.resetTokens();
        processor.start();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(projectionSnapshot()).isEqualTo(before));
        assertThat(processor.isReplaying()).isFalse();
    }

    /**
     * A catch-up batch holds many changes of one service and one system: their upserts run in rounds of distinct keys
     * (a multi-row upsert may not change a row twice), each round seeing the one before, and end as one at a time.
     */
    @Test
    void aServiceAndASystemChangedManyTimesInOneBatchEndAsWhenChangedOneEventAtATime() {
        UUID id = UUID.randomUUID();
        open(id, "Changed back and forth", T0);
        List<IncidentEvent> changes = List.of(
                new ServiceDisruptionReported(id, "web", ServiceImpact.DEGRADED, "slow", T0.plusSeconds(10)),
                new SystemIsolated(id, "db", "contain", IsolationMethod.NETWORK, T0.plusSeconds(20)),
                new ServiceDisruptionReported(id, "web", ServiceImpact.DEGRADED, "still slow", T0.plusSeconds(30)),
                new ServiceDisruptionReported(id, "mail", ServiceImpact.UNAVAILABLE, "down", T0.plusSeconds(35)),
                new ServiceRestored(id, "web", "back", T0.plusSeconds(40)),
                new SystemReconnected(id, "db", "clean", T0.plusSeconds(50)),
                new ServiceDisruptionReported(id, "web", ServiceImpact.UNAVAILABLE, "down", T0.plusSeconds(60)),
                new SystemIsolated(id, "db", "again", IsolationMethod.SHUT_DOWN, T0.plusSeconds(70)),
                new ServiceDisruptionReported(id, "web", ServiceImpact.UNAVAILABLE, "still down", T0.plusSeconds(80)),
                new ServiceRestored(id, "mail", "back", T0.plusSeconds(90)));
        long version = 2;
        for (IncidentEvent change : changes) {
            events.publish(version, change);
            awaitVersion(id, version++); // one event per batch
        }
        Map<String, List<Map<String, Object>>> before = await().atMost(Duration.ofSeconds(30))
                .until(this::projectionSnapshot, snapshot -> snapshot.equals(projectionSnapshot()));
        assertThat(jdbc.queryForList("SELECT service_id, state, since FROM incident_service WHERE incident_id = ? "
                + "ORDER BY service_id", id)).extracting(row -> row.get("service_id") + " " + row.get("state"))
                .containsExactly("mail OPERATIONAL", "web UNAVAILABLE");

        StreamingEventProcessor processor = processing
                .eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class).orElseThrow();
        processor.shutDown();
        processor.resetTokens();
        processor.start(); // catching up: the whole topic in batches of many events

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(projectionSnapshot()).isEqualTo(before));
    }

    @Test
    void anAdminRebuildsTheProjectionsFromTheTopicToTheSameDigest() {
        UUID id = UUID.randomUUID();
        open(id, "Rebuilt by an admin", T0);
        events.publish(2, new SystemIsolated(id, "db-" + id, "contain", IsolationMethod.UNRECORDED, T0.plusSeconds(60)));
        awaitVersion(id, 2);
        Map<?, ?> before = await().atMost(Duration.ofSeconds(30))
                .until(() -> as("admin").getForObject("/api/admin/projections", Map.class),
                        status -> Boolean.TRUE.equals(status.get("caughtUp")));

        assertThat(as("viewer").postForEntity("/api/admin/projections/rebuild", null, Map.class).getStatusCode().value())
                .isEqualTo(403);
        assertThat(as("admin").postForEntity("/api/admin/projections/rebuild", null, Map.class).getStatusCode().value())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<?, ?> after = as("admin").getForObject("/api/admin/projections", Map.class);
            assertThat(after.get("failing")).as(String.valueOf(after)).isEqualTo(false);
            assertThat(after.get("digest")).isEqualTo(before.get("digest"));
            assertThat(after.get("rows")).isEqualTo(before.get("rows"));
        });
        assertThat(((Map<?, ?>) before.get("rows")).get("incident")).isNotEqualTo(0);
    }

    @Test
    void aRebuildAskedOfAnInstanceThatDoesNotApplyTheProjectionIsRefusedAndChangesNothing() {
        UUID id = UUID.randomUUID();
        open(id, "Applied by another instance", T0);
        awaitVersion(id, 1);
        Map<?, ?> before = await().atMost(Duration.ofSeconds(30))
                .until(() -> as("admin").getForObject("/api/admin/projections", Map.class),
                        status -> Boolean.TRUE.equals(status.get("caughtUp")));
        String another = "another-query-instance";
        jdbc.update("UPDATE token_entry SET owner = ?, timestamp = ? WHERE processor_name = ?",
                another, DateTimeUtils.formatInstant(Instant.now()), Processors.INCIDENT_PROJECTION);
        String token = claimedToken();
        try {
            ResponseEntity<Map> refused = as("admin").postForEntity("/api/admin/projections/rebuild", null, Map.class);

            assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
            assertThat(refused.getHeaders().getContentType()).hasToString("application/problem+json");
            assertThat(refused.getBody().get("type"))
                    .isEqualTo("urn:problem:incident-tracker:projection-applied-elsewhere");
            assertThat(refused.getBody().get("owners")).isEqualTo(List.of(another));
            assertThat(claimedToken()).isEqualTo(token);
            assertThat(processing.eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class)
                    .orElseThrow().isRunning()).isTrue();
        } finally {
            jdbc.update("UPDATE token_entry SET owner = NULL WHERE processor_name = ? AND owner = ?",
                    Processors.INCIDENT_PROJECTION, another);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Map<?, ?> after = as("admin").getForObject("/api/admin/projections", Map.class);
            assertThat(after.get("caughtUp")).as(String.valueOf(after)).isEqualTo(true);
            assertThat(after.get("digest")).isEqualTo(before.get("digest"));
        });
    }

    @Test
    void aRebuildClaimsTheResetSegmentAtOnceEvenIfItsProcessorHadReleasedIt() {
        UUID id = UUID.randomUUID();
        open(id, "Released before the rebuild", T0);
        awaitVersion(id, 1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> as("admin").getForObject("/api/admin/projections", Map.class),
                        status -> Boolean.TRUE.equals(status.get("caughtUp")));
        // as its worker does when it meets the claim held for the reset: gives the segment up for a while
        processing.eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class).orElseThrow()
                .releaseSegment(0, 5, java.util.concurrent.TimeUnit.MINUTES);

        assertThat(as("admin").postForEntity("/api/admin/projections/rebuild", null, Map.class).getStatusCode().value())
                .isEqualTo(202);

        // claimed again at once, not after the five minutes
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Map<?, ?> status = as("admin").getForObject("/api/admin/projections", Map.class);
            assertThat((Map<?, ?>) status.get("positions")).as(String.valueOf(status)).isNotEmpty();
        });
        awaitVersion(id, 1);
    }

    /** The projection's claim and position, as the token store holds them. */
    private String claimedToken() {
        return String.join("; ", jdbc.queryForList("""
                SELECT segment || ' ' || owner || ' ' || encode(token, 'hex') FROM token_entry
                WHERE processor_name = ? ORDER BY segment""", String.class, Processors.INCIDENT_PROJECTION));
    }

    @Test
    void commitsRowsAndTokenThroughTheSpringTransactionOfTheDataSource() {
        assertThat(transactionManager).isInstanceOf(SpringTransactionManager.class);
    }

    @Test
    void readsTheTopicInFetchOrder() {
        Supplier<?> buffers = (Supplier<?>) ReflectionTestUtils.getField(messageSource, "bufferFactory");
        assertThat(buffers.get()).isInstanceOf(FetchOrderBuffer.class);
    }

    /** Every projection row, in key order, less the columns that record when this service received a record. */
    private Map<String, List<Map<String, Object>>> projectionSnapshot() {
        Map<String, List<Map<String, Object>>> snapshot = new java.util.LinkedHashMap<>();
        snapshot.put("incident", jdbc.queryForList("SELECT * FROM incident ORDER BY incident_id"));
        snapshot.put("attack_wave", jdbc.queryForList(
                "SELECT incident_id, sequence, wave, attack_type, severity, description, detected_at, "
                        + "array_to_string(affected_systems, ',') s, array_to_string(techniques, ',') t "
                        + "FROM attack_wave ORDER BY incident_id, sequence"));
        snapshot.put("incident_system", jdbc.queryForList(
                "SELECT * FROM incident_system ORDER BY incident_id, system_id"));
        snapshot.put("incident_service", jdbc.queryForList(
                "SELECT * FROM incident_service ORDER BY incident_id, service_id"));
        snapshot.put("timeline_entry", jdbc.queryForList(
                "SELECT * FROM timeline_entry ORDER BY incident_id, sequence"));
        Set<ProjectionTable> lifecycleAndClocks = EnumSet.copyOf(ProjectionTable.LIFECYCLE);
        lifecycleAndClocks.addAll(ProjectionTable.OBLIGATIONS);
        for (ProjectionTable projectionTable : lifecycleAndClocks) {
            String table = projectionTable.sqlName();
            snapshot.put(table, jdbc.queryForList("SELECT row_to_json(t)::text AS row FROM " + table + " t ORDER BY 1"));
        }
        snapshot.put("pending_event", jdbc.queryForList(
                "SELECT incident_id, sequence, event_id FROM pending_event ORDER BY incident_id, sequence"));
        snapshot.put("undecodable_record", jdbc.queryForList(
                "SELECT topic, kafka_partition, kafka_offset, record_key, event_type, reason FROM undecodable_record "
                        + "ORDER BY topic, kafka_partition, kafka_offset"));
        return snapshot;
    }

    private void open(UUID id, String title, Instant at) {
        events.publish(0, new IncidentOpened(id, title, Severity.HIGH, at));
        events.publish(1, new AttackDetected(id, 1, AttackType.MALWARE, Severity.HIGH, null, List.of(), List.of(), at));
    }

    private JsonNode awaitVersion(UUID id, long version) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> incident(id), node -> node != null && node.get("version").asLong() >= version);
    }

    private JsonNode incident(UUID id) {
        ResponseEntity<JsonNode> response = as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, id);
        return response.getStatusCode() == HttpStatus.OK ? response.getBody() : null;
    }

    private JsonNode timeline(UUID id) {
        return as("viewer").getForObject("/api/incidents/{id}/timeline", JsonNode.class, id);
    }

    private List<JsonNode> list(String path) {
        ResponseEntity<JsonNode> response = as("viewer").getForEntity(path, JsonNode.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        List<JsonNode> nodes = new ArrayList<>();
        response.getBody().forEach(nodes::add);
        return nodes;
    }

    private Map<String, JsonNode> serviceBoard() {
        Map<String, JsonNode> board = new java.util.HashMap<>();
        list("/api/services").forEach(entry -> board.put(entry.get("serviceId").asText(), entry));
        return board;
    }

    private JsonNode gapOf(UUID id) {
        JsonNode health = as("viewer").getForEntity("/actuator/health", JsonNode.class).getBody();
        JsonNode gaps = health.path("components").path("projectionGaps").path("details").path("gaps");
        for (JsonNode gap : gaps) {
            if (gap.get("incidentId").asText().equals(id.toString())) {
                return gap;
            }
        }
        return null;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static Map<String, String> stateOf(JsonNode entries, String idField, String id) {
        for (JsonNode entry : entries) {
            if (entry.get(idField).asText().equals(id)) {
                return Map.of("state", entry.get("state").asText(), "since", entry.get("since").asText());
            }
        }
        throw new AssertionError("No entry " + id + " in " + entries);
    }
}
