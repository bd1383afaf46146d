package io.incidenttracker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaBrokerTest {

    private static final String TOPIC = "broker-test";

    @TempDir
    Path directory;

    @Test
    void roundTripsARecordAndKeepsItAcrossARestart() throws Exception {
        String key = "incident-" + UUID.randomUUID();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(directory, 0, 0)) {
            assertThat(broker.port()).isPositive().isNotEqualTo(broker.controllerPort());
            assertThat(broker.bootstrapServers()).isEqualTo("localhost:" + broker.port());
            createTopic(broker.bootstrapServers());

            RecordMetadata written = produce(broker.bootstrapServers(), key, "first");
            assertThat(written.offset()).isZero();

            assertThat(consumeAll(broker.bootstrapServers(), 1))
                    .extracting(ConsumerRecord::key, ConsumerRecord::value)
                    .containsExactly(tuple(key, "first"));
        }

        String clusterId = Files.readString(directory.resolve(EmbeddedKafkaBroker.CLUSTER_ID_FILE)).trim();
        assertThat(clusterId).isNotBlank();

        try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(directory, 0, 0)) {
            assertThat(Files.readString(directory.resolve(EmbeddedKafkaBroker.CLUSTER_ID_FILE)).trim())
                    .isEqualTo(clusterId);
            try (Admin admin = admin(again.bootstrapServers())) {
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(TOPIC);
            }
            RecordMetadata second = produce(again.bootstrapServers(), key, "second");
            assertThat(second.offset()).isEqualTo(1);

            assertThat(consumeAll(again.bootstrapServers(), 2))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("first", "second");
        }
    }

    @Test
    void refusesAPortThatIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(directory, taken.getLocalPort(), 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void writesTheSingleNodeSettings() {
        var props = EmbeddedKafkaBroker.serverProperties(directory, 19092, 19093);
        assertThat(props.getProperty("process.roles")).isEqualTo("broker,controller");
        assertThat(props.getProperty("controller.quorum.voters")).isEqualTo("1@localhost:19093");
        assertThat(props.getProperty("listeners"))
                .isEqualTo("PLAINTEXT://localhost:19092,CONTROLLER://localhost:19093");
        assertThat(props.getProperty("auto.create.topics.enable")).isEqualTo("false");
        assertThat(props.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(props.getProperty("transaction.state.log.replication.factor")).isEqualTo("1");
        assertThat(props.getProperty("min.insync.replicas")).isEqualTo("1");
        assertThat(props.getProperty("log.dirs")).isEqualTo(directory.resolve("logs").toString());
        assertThat(props.getProperty("log.cleaner.dedupe.buffer.size")).isEqualTo(Integer.toString(16 * 1024 * 1024));
    }

    @Test
    void startsInAHeapNoLargerThanKafkasDefaultDedupeBuffer() throws Exception {
        // Kafka's log cleaner allocates its dedupe buffer (128 MiB by default) on the heap at the broker's start; in
        // a heap of 128 MiB that always failed, and in a cluster node's 256 MiB it failed when the heap was fuller
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx128m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                StandaloneBroker.class.getName(), directory.toString(), "0");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (var lines = process.inputReader().lines()) {
            String ready = lines.peek(output::add).filter(line -> line.startsWith("READY ")).findFirst().orElse(null);
            assertThat(ready).as("the broker's output: %s", String.join(System.lineSeparator(), output))
                    .isNotNull();
            assertThat(output).noneMatch(line -> line.contains("OutOfMemoryError"));
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static void createTopic(String bootstrapServers) throws Exception {
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static RecordMetadata produce(String bootstrapServers, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            return producer.send(new ProducerRecord<>(TOPIC, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(String bootstrapServers, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "broker-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
