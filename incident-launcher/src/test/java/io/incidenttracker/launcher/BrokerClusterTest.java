package io.incidenttracker.launcher;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three KRaft nodes, each a process of its own: every topic has three replicas and needs two in sync for a write,
 * Kafka's own offsets and transaction state included; a kill -9 of the leader of a partition stops no acks=all
 * transactional writer for longer than the failover, loses nothing it acknowledged and reorders nothing; the killed
 * node comes back and catches up.
 */
class BrokerClusterTest {

    private static final String TOPIC = "cluster-events";
    private static final int PARTITIONS = 6;
    private static final int KEYS = 12;

    @TempDir
    static Path directory;

    private static BrokerCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = BrokerCluster.start(directory, 3, 0);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKilledPartitionLeaderLosesNoAcknowledgedRecordAndEveryTopicKeepsThreeReplicas() throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong committed = new AtomicLong();
        AtomicLong lastCommitNanos = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        long[] sent = new long[KEYS];
        Thread writer = new Thread(() -> {
            try {
                write(writing, committed, lastCommitNanos, sent);
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        }, "transactional-writer");
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> committed.get() >= 200);

        int leader = cluster.leaderOf(TOPIC, 0);
        long before = committed.get();
        long killedAt = System.nanoTime();
        KILLED_AT.set(killedAt);
        cluster.kill(leader);
        await().atMost(Duration.ofSeconds(60)).until(() -> committed.get() >= before + 100
                && FIRST_COMMIT_AFTER_KILL.get() != 0);
        long failoverMillis = TimeUnit.NANOSECONDS.toMillis(FIRST_COMMIT_AFTER_KILL.get() - killedAt);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            int now = cluster.leaderOf(TOPIC, 0);
            return now != -1 && now != leader;
        });

        long restartedAt = System.nanoTime();
        cluster.restart(leader);
        await().atMost(Duration.ofSeconds(60)).until(() -> cluster.inSyncReplicas(TOPIC).values().stream()
                .allMatch(isr -> isr == 3));
        long catchUpMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
        writing.set(false);
        writer.join(60_000);
        assertThat(writerFailure.get()).isNull();
        System.out.println("CLUSTER leader node " + leader + " killed: writes resumed after at most " + failoverMillis
                + " ms; restarted node back in sync after " + catchUpMillis + " ms; " + committed.get()
                + " records committed");

        assertEveryCommittedRecordOnceAndInOrder(sent);
        assertReplicated(TOPIC);
        assertReplicated("__transaction_state");
        assertReplicated("__consumer_offsets");
    }

    private static final AtomicLong KILLED_AT = new AtomicLong();
    private static final AtomicLong FIRST_COMMIT_AFTER_KILL = new AtomicLong();

    /**
     * Transactions of 20 records, keyed by one of a few keys, each key's values counting up from 0; a transaction
     * that fails is sent again by a fresh producer (which fences the old one), as the publication relay does.
     */
    private static void write(AtomicBoolean writing, AtomicLong committed, AtomicLong lastCommitNanos, long[] sent) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-test-writer");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 9_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        KafkaProducer<String, String> producer = null;
        long[] next = new long[KEYS];
        while (writing.get()) {
            long[] batch = next.clone();
            try {
                if (producer == null) {
                    producer = new KafkaProducer<>(config);
                    producer.initTransactions();
                }
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    int key = i % KEYS;
                    producer.send(new ProducerRecord<>(TOPIC, "key-" + key, Long.toString(batch[key]++)));
                }
                producer.commitTransaction();
                next = batch;
                System.arraycopy(next, 0, sent, 0, KEYS);
                committed.addAndGet(20);
                long now = System.nanoTime();
                lastCommitNanos.set(now);
                if (KILLED_AT.get() != 0 && now - KILLED_AT.get() > 0) {
                    FIRST_COMMIT_AFTER_KILL.compareAndSet(0, now);
                }
            } catch (RuntimeException e) {
                if (producer != null) {
                    producer.close(Duration.ZERO);
                    producer = null;
                }
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Read committed, in each partition's order: each key's values 0..n, every acknowledged one present, none before
     * a lower one (a transaction whose commit answer was lost and that was sent again may repeat earlier values).
     */
    private static void assertEveryCommittedRecordOnceAndInOrder(long[] sent) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-test-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        long expected = 0;
        for (long count : sent) {
            expected += count;
        }
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            long total = expected;
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= total;
            });
            consumer.commitSync(); // the group's offsets land in __consumer_offsets
        }
        Map<String, Long> highest = new HashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            long value = Long.parseLong(record.value());
            long before = highest.getOrDefault(record.key(), -1L);
            assertThat(value).as("key %s", record.key()).isLessThanOrEqualTo(before + 1);
            highest.put(record.key(), Math.max(before, value));
        }
        for (int key = 0; key < KEYS; key++) {
            assertThat(highest.getOrDefault("key-" + key, -1L) + 1).as("key-" + key)
                    .isGreaterThanOrEqualTo(sent[key]);
        }
    }

    private static void assertReplicated(String topic) throws Exception {
        try (Admin admin = cluster.admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).allSatisfy(partition ->
                    assertThat(partition.replicas()).as(topic).hasSize(3));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("min.insync.replicas").value()).as(topic).isEqualTo("2");
        }
    }
}
