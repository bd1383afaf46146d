package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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
        boolean interleaved = context.options().interleaved();
        step("seeding " + count + " incidents x " + perIncident + " events into the event store"
                + (interleaved ? ", interleaved" : ""));
        double load = Console.loadAverage();
        long started = System.nanoTime();
        Seeder seeder = new Seeder(eventStore);
        List<UUID> incidents = interleaved ? seeder.seedInterleaved(count, perIncident, 5000)
                : seeder.seed(count, perIncident, Math.max(1, 5000 / perIncident));
        double appendSeconds = (System.nanoTime() - started) / 1e9;
        long totalEvents = (long) count * perIncident;
        step("appended " + totalEvents + " events in " + fmt(appendSeconds) + " s; waiting for the publisher");
        long stored = storedEvents(context);
        ProcessorProgress.awaitPosition("events published", () -> stored - unpublishedEvents(context),
                stored, Duration.ofMinutes(20), null);
        double totalSeconds = (System.nanoTime() - started) / 1e9;
        TopicExtent topic = topicExtent(context);
        long topicRecords = topic.records();
        context.seeded(incidents, totalEvents, topic.records(), topic.end());
        Map<String, Object> seeding = new LinkedHashMap<>();
        seeding.put("incidents", count);
        seeding.put("order", interleaved ? "interleaved" : "contiguous");
        seeding.put("events", totalEvents);
        seeding.put("appendSeconds", appendSeconds);
        seeding.put("appendEventsPerSecond", totalEvents / appendSeconds);
        seeding.put("appendedAndPublishedSeconds", totalSeconds);
        seeding.put("publishedEventsPerSecond", totalEvents / totalSeconds);
        seeding.put("topicRecords", topicRecords);
        seeding.put("topicEnd", topic.end());
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
     * What the topic holds: its records, and the end that the processors' positions reach once they have handled the
     * last of them, the sum over partitions of (offset of the partition's last record + 1). Not the log-end offsets:
     * the publisher writes each batch as a Kafka transaction, so a partition's log holds a commit marker after each
     * batch, an offset that no record has and no consumer position passes (a progress compared with log-end offsets
     * stays one short per partition forever). Read once with {@code read_committed}, as the query service reads.
     */
    static TopicExtent topicExtent(BenchContext context) {
        try (KafkaConsumer<byte[], byte[]> consumer = context.committedRecordsConsumer(
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(BenchContext.TOPIC).forEach(p -> partitions.add(
                    new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> logEnd = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> lastRecordEnd = new HashMap<>();
            long records = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < logEnd.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the topic could not be read to its end in 10 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < logEnd.get(partition)) {
                        records++;
                        lastRecordEnd.merge(partition, record.offset() + 1, Math::max);
                    }
                }
            }
            return new TopicExtent(records, lastRecordEnd.values().stream().mapToLong(Long::longValue).sum());
        }
    }

    /** The records on the topic, and the sum of the positions after each partition's last record. */
    record TopicExtent(long records, long end) {
    }

    /**
     * Events after the publication relay's stored position (transaction id, global index): it moves only past events
     * the broker acknowledged, and never past one whose transaction can still commit.
     */
    /** Events stored by the command service and not published yet. */
    static long unpublishedEvents(BenchContext context) throws SQLException {
        return BenchContext.count(context.commandDb(), "SELECT count(*) FROM domain_event_entry e "
                + "JOIN publication_position p ON p.publisher = 'kafka' "
                + "WHERE (e.transaction_id, e.global_index) > (p.transaction_id, p.global_index)");
    }

    private static long storedEvents(BenchContext context) throws SQLException {
        return BenchContext.count(context.commandDb(), "SELECT count(*) FROM domain_event_entry");
    }
}
