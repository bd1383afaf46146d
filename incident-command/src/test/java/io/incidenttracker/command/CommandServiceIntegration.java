package io.incidenttracker.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.Http;
import io.incidenttracker.testsupport.ServiceUnderTest;
import io.incidenttracker.testsupport.TestBroker;
import io.incidenttracker.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command service against real PostgreSQL and a real (in-process KRaft) Kafka broker: HTTP in, events committed
 * in the event store, binary-mode CloudEvents on the topic. The base of the integration test classes of the features.
 * <p>
 * Every subclass runs in ONE application context and against ONE broker: the configuration lives here only (a
 * subclass adds no annotation that changes it), so Spring's context cache hands every subclass the same running
 * service, and the broker is started once per JVM, when this class is loaded, and stopped when the JVM ends. The
 * tests therefore never assume an empty database: each opens its own incidents and counts what it changes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + CommandServiceApplication.CONFIG_NAME,
                "spring.flyway.clean-disabled=false",
                "incidenttracker.event-store.gap-timeout=PT2S",
                "incidenttracker.event-store.gap-cleaning-threshold=1"})
@Import(CleanDatabaseOnStart.class)
public abstract class CommandServiceIntegration {

    protected static final String DATABASE = TestDatabase.ensure(TestDatabase.name("incident_command_test"));
    protected static final EmbeddedKafkaKraftBroker BROKER = startBrokerOncePerJvm();
    protected static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaKraftBroker startBrokerOncePerJvm() {
        EmbeddedKafkaKraftBroker broker = TestBroker.withoutTopics(6);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "shared-test-broker-shutdown"));
        return broker;
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceUnderTest.register(registry, DATABASE, BROKER::getBrokersAsString);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected CommandBus commandBus;

    @Autowired
    protected CommandGateway commandGateway;

    @Autowired
    protected EventStore eventStore;

    @Autowired
    protected MeterRegistry meters;

    @Autowired
    protected UserDetailsService users;

    protected Http http() {
        return new Http("http://localhost:" + port);
    }

    protected UUID openIncident() {
        HttpResponse<String> response = http().post("/api/incidents", "responder", """
                {"title":"Cyberattack","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z"}""");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        try {
            return UUID.fromString(JSON.readTree(response.body()).get("incidentId").asText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }

    protected static void assertVersion(HttpResponse<String> response, long version) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("version").asLong()).isEqualTo(version);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + version + "\"");
    }

    protected static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo(type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
    }

    protected static void assertInvalid(HttpResponse<String> response, String field) throws Exception {
        assertProblem(response, 400, "urn:problem:incident-tracker:invalid-input");
        JsonNode errors = JSON.readTree(response.body()).get("errors");
        assertThat(errors).as(response.body()).isNotNull();
        List<String> fields = new ArrayList<>();
        errors.forEach(error -> fields.add(error.get("field").asText()));
        assertThat(fields).as(response.body()).contains(field);
    }

    /** Every record of the incident on the topic, duplicates included, once there are at least {@code expected}. */
    protected static List<ConsumerRecord<String, byte[]>> recordsOf(UUID incidentId, int expected) {
        return poll(incidentId, found -> found.size() >= expected);
    }

    /**
     * The incident's events on the topic, each once: the first record of each distinct {@code ce_id}, in the order
     * of the topic, once there are at least {@code expected} distinct ones. The publisher delivers at least once, so
     * a retried batch may put an event on the topic twice; what it promises is every event, in order.
     */
    protected static List<ConsumerRecord<String, byte[]>> distinctEventsOf(UUID incidentId, int expected) {
        return new ArrayList<>(byEventId(poll(incidentId, found -> byEventId(found).size() >= expected)).values());
    }

    /** The first record of each distinct {@code ce_id}, in the order of the given records. */
    protected static Map<String, ConsumerRecord<String, byte[]>> byEventId(List<ConsumerRecord<String, byte[]>> all) {
        Map<String, ConsumerRecord<String, byte[]>> first = new LinkedHashMap<>();
        all.forEach(record -> first.putIfAbsent(header(record, "ce_id"), record));
        return first;
    }

    private static List<ConsumerRecord<String, byte[]>> poll(
            UUID incidentId, java.util.function.Predicate<List<ConsumerRecord<String, byte[]>>> enough) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.getBrokersAsString());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor("incident-events").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // the relay publishes within milliseconds; a batch the broker did not acknowledge is sent again within
            // about 10 s (the producer's 4 s request timeout, its 9 s delivery timeout)
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (incidentId.toString().equals(record.key())) {
                        found.add(record);
                    }
                });
                return enough.test(found);
            });
        }
        return found;
    }

    protected static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Sends {@code count} requests at once (released together by a latch) and collects their answers in order. */
    protected static List<HttpResponse<String>> concurrently(int count, IntFunction<HttpResponse<String>> request)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.apply(n);
                }));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
