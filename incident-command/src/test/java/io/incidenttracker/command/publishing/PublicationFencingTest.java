package io.incidenttracker.command.publishing;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.incidenttracker.command.CommandServiceIntegration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two relays of one name over the same event store and broker, as two command instances run them: one publishes,
 * the other stands by. The one publishing is frozen in the middle of a batch (as by a long GC pause) and its lock is
 * lost (its session ended, as by a network cut); the standby takes over, and the frozen one, when it wakes, is fenced:
 * nothing of its batch reaches the topic, and it does not move the position. Each relay has two producers, as the
 * service's has, and batches take turns between them: the frozen batch is the first producer's or the second's.
 */
class PublicationFencingTest extends CommandServiceIntegration {

    private static final int PARTITIONS = 3;

    @Autowired
    private StoredEvents storedEvents;

    @Autowired
    private CloudEventRecordConverter converter;

    @Autowired
    private DataSource dataSource;

    @ParameterizedTest(name = "frozen in batch {0}")
    @ValueSource(ints = {1, 2})
    void aPausedPublisherThatWakesAfterAnotherTookOverIsFencedAndPublishesNothing(int frozenBatch) throws Exception {
        String name = "fencing-" + UUID.randomUUID();
        String topic = createTopic(name);
        List<UUID> incidents = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            incidents.add(openIncident());
        }

        CountDownLatch frozen = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        PublicationRelay first = relay(name, topic);
        AtomicInteger batches = new AtomicInteger();
        first.onBatch(events -> {
            if (batches.incrementAndGet() == frozenBatch) {
                frozen.countDown();
                awaitQuietly(wake);
            }
        });
        PublicationRelay second = relay(name, topic);
        AtomicBoolean flowing = new AtomicBoolean(true);
        AtomicInteger refused = new AtomicInteger();
        Thread commands = new Thread(() -> {
            int n = 0;
            while (flowing.get()) {
                UUID incident = incidents.get(n % incidents.size());
                HttpResponse<String> isolated = http().post("/api/incidents/" + incident + "/systems/host-" + n
                        + "/isolation", "responder", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}");
                if (isolated.statusCode() / 100 != 2) {
                    refused.incrementAndGet();
                }
                n++;
            }
        }, "commands-during-takeover");
        try {
            first.start();
            for (int batch = 1; batch < frozenBatch; batch++) {
                int acknowledged = batch;
                await().atMost(Duration.ofSeconds(30)).until(() -> first.status().batches() >= acknowledged);
                incidents.add(openIncident()); // the next batch, on the next producer
            }
            assertThat(frozen.await(30, TimeUnit.SECONDS)).as("the first relay holds a batch").isTrue();
            second.start();
            commands.start();
            Thread.sleep(600); // the standby tried the lock at least twice, in vain
            assertThat(second.status().batches()).isZero();
            long epochBefore = storedEpoch(name);

            long lockLost = System.nanoTime();
            assertThat(endSessionHoldingLockOf(name)).as("the first relay's session ended").isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> second.status().batches() >= 1);
            long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lockLost);
            System.out.println("TAKEOVER publisher lock lost -> other relay published its first batch: "
                    + takeoverMillis + " ms");
            assertThat(takeoverMillis).as("bounded takeover").isLessThan(5_000);
            assertThat(storedEpoch(name)).isEqualTo(epochBefore + 1);

            wake.countDown(); // the frozen relay wakes and sends the batch it held
            await().atMost(Duration.ofSeconds(30)).until(() -> first.fencings() >= 1);
            assertThat(first.status().batches()).as("the frozen relay acknowledged nothing more")
                    .isEqualTo(frozenBatch - 1);
            first.stop();

            flowing.set(false);
            commands.join(30_000);
            assertThat(refused.get()).as("commands refused during the takeover").isZero();
            Position end = lastPosition();
            await().atMost(Duration.ofSeconds(30)).until(() -> !end.isAfter(storedPosition(name)));
        } finally {
            flowing.set(false);
            wake.countDown();
            first.stop();
            second.stop();
        }

        long stored = eventCount();
        for (boolean committedOnly : new boolean[] {true, false}) {
            List<ConsumerRecord<String, byte[]>> records = readAll(topic, stored, committedOnly);
            Map<String, Long> copies = records.stream()
                    .collect(Collectors.groupingBy(r -> header(r, "ce_id"), Collectors.counting()));
            assertThat(copies).as("every stored event once (read_committed: %s)", committedOnly).hasSize((int) stored);
            assertThat(copies.values()).as("nothing of the fenced batch reached the log").containsOnly(1L);
            assertInIncidentOrder(records);
        }
    }

    /**
     * In each partition's order, each incident's first copies run 0, 1, 2, ...: a duplicate of an earlier event
     * may come again, a later one never before an earlier one.
     */
    private static void assertInIncidentOrder(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Long> highest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            long sequence = Long.parseLong(header(record, "ce_sequence"));
            long before = highest.getOrDefault(record.key(), -1L);
            assertThat(sequence).as("incident %s", record.key()).isLessThanOrEqualTo(before + 1);
            highest.put(record.key(), Math.max(before, sequence));
        }
    }

    private PublicationRelay relay(String name, String topic) {
        List<Supplier<Producer<String, CloudEvent>>> producers = new ArrayList<>();
        for (String id : PublishingConfiguration.transactionalIds(name, 2)) {
            Map<String, Object> config = new HashMap<>();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
            producers.add(() -> new KafkaProducer<>(config));
        }
        return new PublicationRelay(name, dataSource, storedEvents, converter, producers, topic, 50,
                Duration.ofMillis(5), Duration.ofSeconds(10), Duration.ofMillis(250),
                new PublicationMeters(new SimpleMeterRegistry(), name));
    }

    private static String createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.getBrokersAsString()))) {
            admin.createTopics(List.of(new NewTopic(name, PARTITIONS, (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        return name;
    }

    /** Ends the database session that holds the relay's advisory lock, as a network cut would. */
    private boolean endSessionHoldingLockOf(String name) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT bool_or(pg_terminate_backend(pid)) FROM pg_locks "
                + "WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND database = (SELECT oid FROM "
                + "pg_database WHERE datname = current_database()) AND objid::text::bigint = "
                + "(hashtext(?)::bigint & 4294967295)", Boolean.class, name));
    }

    private long storedEpoch(String name) {
        return jdbc.queryForObject("SELECT epoch FROM publication_position WHERE publisher = ?", Long.class, name);
    }

    private Position storedPosition(String name) {
        return jdbc.queryForObject("SELECT transaction_id::text, global_index FROM publication_position "
                + "WHERE publisher = ?", (rs, n) -> new Position(Long.parseLong(rs.getString(1)), rs.getLong(2)), name);
    }

    private Position lastPosition() {
        return jdbc.queryForObject("SELECT transaction_id::text, global_index FROM domain_event_entry "
                + "ORDER BY transaction_id DESC, global_index DESC LIMIT 1",
                (rs, n) -> new Position(Long.parseLong(rs.getString(1)), rs.getLong(2)));
    }

    /** Every record of the topic, partition by partition, once there are at least {@code expected}. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, long expected, boolean committedOnly) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            AtomicInteger quiet = new AtomicInteger();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                int before = records.size();
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                quiet.set(records.size() == before ? quiet.get() + 1 : 0);
                return records.size() >= expected && quiet.get() >= 2;
            });
        }
        return records;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
