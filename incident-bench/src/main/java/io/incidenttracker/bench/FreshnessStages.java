package io.incidenttracker.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where the freshness goes: a consumer of the harness's own reads the topic while the freshness run sends commands
 * and notes, for each event, when it was created in the command service (the CloudEvent's {@code recordedat}), when
 * the publisher sent it (the record's timestamp, set by the producer), and when this consumer had it. With the
 * command's 2xx answer and the first poll that saw its version in the query database, every event's way splits into:
 * created to sent (the command's commit, the publisher's read and its send), sent to fetched (the broker: append,
 * acknowledgement, fetch), fetched to visible (the query service's fetch, projection transaction and commit), and,
 * beside them, created to answered (the command's own tail). One clock: everything runs on this machine.
 */
final class FreshnessStages {

    /** An event's times, epoch milliseconds: created, sent, fetched by the harness's consumer. */
    record Seen(long createdAt, long sentAt, long fetchedAt) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    FreshnessStages(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(BenchContext.TOPIC).forEach(p -> partitions.add(new TopicPartition(p.topic(),
                p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = LoadLoop.start(() -> {
            try (consumer) {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long fetchedAt = System.currentTimeMillis();
                        String sequence = header(record, "ce_sequence");
                        String recordedAt = header(record, "ce_recordedat");
                        if (sequence != null && recordedAt != null) {
                            // the header's sequence is zero-padded; the key is the number, as the command's version
                            seen.putIfAbsent(record.key() + "/" + Long.parseLong(sequence), new Seen(
                                    Instant.parse(recordedAt).toEpochMilli(), record.timestamp(), fetchedAt));
                        }
                    }
                }
            }
        });
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The event of this incident and sequence, once the harness's consumer had it. */
    Seen of(String incidentId, long sequence) {
        return seen.get(incidentId + "/" + sequence);
    }

    void stop() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
