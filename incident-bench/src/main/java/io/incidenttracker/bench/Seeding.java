package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Seeding: appends the incidents' histories through the in-process command service's own event store and waits
 * until its publisher has carried them all to Kafka; measures both. Every other measure works on what it seeds.
 */
final class Seeding implements Measure {

    @Override
    public void run(BenchContext context) throws Exception {
        EventStore eventStore = context.inProcessCommand().getBean(EventStore.class);
        int count = context.options().incidents();
        int perIncident = context.options().eventsPerIncident();
        step("seeding " + count + " incidents x " + perIncident + " events into the event store");
        double load = Console.loadAverage();
        long started = System.nanoTime();
        List<UUID> incidents = new Seeder(eventStore).seed(count, perIncident, Math.max(1, 5000 / perIncident));
        double appendSeconds = (System.nanoTime() - started) / 1e9;
        long totalEvents = (long) count * perIncident;
        step("appended " + totalEvents + " events in " + fmt(appendSeconds) + " s; waiting for the publisher");
        long stored = storedEvents(context);
        ProcessorProgress.awaitPosition("events published", () -> stored - unpublishedEvents(context),
                stored, Duration.ofMinutes(20), null);
        double totalSeconds = (System.nanoTime() - started) / 1e9;
        long topicRecords = topicEnd(context);
        context.seeded(incidents, totalEvents, topicRecords);
        Map<String, Object> seeding = new LinkedHashMap<>();
        seeding.put("incidents", count);
        seeding.put("events", totalEvents);
        seeding.put("appendSeconds", appendSeconds);
        seeding.put("appendEventsPerSecond", totalEvents / appendSeconds);
        seeding.put("appendedAndPublishedSeconds", totalSeconds);
        seeding.put("publishedEventsPerSecond", totalEvents / totalSeconds);
        seeding.put("topicRecords", topicRecords);
        seeding.put("loadAverage", load);
        context.results().detail("seeding", seeding);
        step("seeded and published " + totalEvents + " events in " + fmt(totalSeconds) + " s (append "
                + fmt(appendSeconds) + " s)");
        context.results().add(Row.plain("seeding: append to the event store", totalEvents / appendSeconds,
                "events/s"));
        context.results().add(Row.plain("seeding: appended and published to Kafka", totalEvents / totalSeconds,
                "events/s"));
    }

    /**
     * Records on the topic as the processors count them: for each partition the offset of its last record + 1, added
     * up. Not the log-end offset: the publisher's Kafka transactions end each partition's log with a commit marker,
     * an offset that no consumer position ever reaches.
     */
    private static long topicEnd(BenchContext context) throws Exception {
        String topic = BenchContext.TOPIC;
        Map<String, TopicDescription> topics = context.admin().describeTopics(List.of(topic)).allTopicNames().get();
        List<TopicPartition> partitions = topics.get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, context.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                                                                          new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> last = new HashMap<>();
            partitions.forEach(p -> consumer.seek(p, Math.max(0, ends.get(p) - 1_000)));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the tail of " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    last.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
                }
            }
            return last.values().stream().mapToLong(offset -> offset + 1).sum();
        }
    }

    /**
     * Events after the publication relay's stored position (transaction id, global index): it moves only past events
     * the broker acknowledged, and never past one whose transaction can still commit.
     */
    private static long unpublishedEvents(BenchContext context) throws SQLException {
        try (Connection connection = BenchContext.connect(context.commandDb());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM domain_event_entry e "
                     + "JOIN publication_position p ON p.publisher = 'kafka' "
                     + "WHERE (e.transaction_id, e.global_index) > (p.transaction_id, p.global_index)")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long storedEvents(BenchContext context) throws SQLException {
        try (Connection connection = BenchContext.connect(context.commandDb());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM domain_event_entry")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
