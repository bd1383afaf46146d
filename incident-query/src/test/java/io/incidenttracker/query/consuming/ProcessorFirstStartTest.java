package io.incidenttracker.query.consuming;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events that are on the topic before the query service first starts (an empty database, no tokens) are new to
 * every processor, not a replay: the audit ledger (which ignores replays) appends them, the projections and the
 * history hold them, and an undecodable record among them reaches the dead-letter topic.
 */
class ProcessorFirstStartTest extends QueryServiceIntegrationTest {

    static final Instant T0 = Instant.parse("2023-09-04T05:00:00Z");
    static final int INCIDENTS = 3;
    static final int EVENTS_PER_INCIDENT = 4;
    static final String POISON_KEY = UUID.randomUUID().toString();

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EventProcessingConfiguration processing;

    /** Runs before the Spring context (and so every processor) starts. */
    @BeforeAll
    static void publishBeforeTheServiceStarts() {
        for (int i = 0; i < INCIDENTS; i++) {
            UUID id = UUID.randomUUID();
            events.publish(0, new IncidentOpened(id, "Before the first start " + i, Severity.HIGH, T0));
            for (int sequence = 1; sequence < EVENTS_PER_INCIDENT; sequence++) {
                events.publish(sequence, new AttackDetected(id, sequence, AttackType.INTRUSION, null, null,
                        List.of("host-" + sequence), List.of(), T0.plusSeconds(sequence)));
            }
        }
        events.publishGarbage(POISON_KEY, "not a cloud event".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyProcessorHandlesTheEventsAlreadyOnTheTopicAsNewOnes() {
        int total = INCIDENTS * EVENTS_PER_INCIDENT;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(count("SELECT count(*) FROM timeline_entry")).as("projected").isEqualTo(total);
            assertThat(count("SELECT count(*) FROM incident_event")).as("in the history").isEqualTo(total);
            assertThat(count("SELECT count(*) FROM undecodable_record")).as("kept aside").isEqualTo(1);
            assertThat(count("SELECT count(*) FROM audit_entry")).as("in the audit ledger").isEqualTo(total);
        });
        assertThat(count("SELECT count(DISTINCT event_id) FROM audit_entry")).isEqualTo(total);
        assertThat(count("SELECT COALESCE(max(ledger_index) + 1, 0) FROM audit_entry")).isEqualTo(total);
        for (String name : ProcessorFirstStart.PROCESSORS) {
            StreamingEventProcessor processor =
                    processing.eventProcessor(name, StreamingEventProcessor.class).orElseThrow();
            assertThat(processor.isReplaying()).as("%s replaying", name).isFalse();
        }
        assertThat(deadLettersOf(POISON_KEY)).containsExactly("not a cloud event");
    }

    private long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }

    private static List<String> deadLettersOf(String key) {
        Properties config = new Properties();
        config.put("bootstrap.servers", KafkaBrokerExtension.bootstrapServers());
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition("incident-events.dlq", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (key.equals(record.key())) {
                        found.add(new String(record.value(), StandardCharsets.UTF_8));
                    }
                });
                return !found.isEmpty();
            });
        }
        return found;
    }
}
