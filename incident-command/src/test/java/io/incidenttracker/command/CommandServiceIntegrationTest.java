package io.incidenttracker.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.support.CleanDatabaseOnStart;
import io.incidenttracker.command.support.Http;
import io.incidenttracker.command.support.TestDatabases;
import io.incidenttracker.command.support.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The command service against real PostgreSQL and a real (in-process KRaft) Kafka broker: HTTP in, events committed
 * in the event store, binary-mode CloudEvents on the topic.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + CommandServiceApplication.CONFIG_NAME,
                "spring.flyway.clean-disabled=false",
                "incidenttracker.event-store.gap-timeout=PT2S",
                "incidenttracker.event-store.gap-cleaning-threshold=1"})
@Import(CleanDatabaseOnStart.class)
class CommandServiceIntegrationTest {

    static final String DATABASE = TestDatabases.ensure("incident_command_test" + TestDatabases.SUFFIX);
    static final EmbeddedKafkaKraftBroker BROKER = TestInfrastructure.startBroker(6);
    static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE, BROKER);
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CommandBus commandBus;

    @Autowired
    CommandGateway commandGateway;

    @Autowired
    org.axonframework.eventsourcing.eventstore.EventStore eventStore;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Autowired
    UserDetailsService users;

    Http http() {
        return new Http("http://localhost:" + port);
    }

    @Test
    void demoUsersKeepTheirUnhashedPasswordsAfterLoggingIn() throws Exception {
        openIncident();
        // were the store a UserDetailsPasswordService, the login would have re-hashed the password with bcrypt
        assertThat(users).isNotInstanceOf(UserDetailsPasswordService.class);
        assertThat(users.loadUserByUsername("responder").getPassword()).isEqualTo("{noop}responder");
    }

    @Test
    void publishesEveryCommittedEventAsABinaryCloudEventKeyedByIncidentInSequenceOrder() throws Exception {
        UUID id = UUID.randomUUID();
        HttpResponse<String> opened = http().post("/api/incidents", "responder", """
                {"incidentId":"%s","title":"Cyberattack on telemedicine platform","attackType":"INTRUSION",
                 "severity":"HIGH","detectedAt":"2023-08-30T06:15:00Z","affectedSystems":["app-booking"],
                 "techniques":["T1078"]}""".formatted(id), Map.of("X-Correlation-Id", "ticket-4711"));

        assertThat(opened.statusCode()).isEqualTo(201);
        assertThat(opened.headers().firstValue("Location")).hasValue("http://localhost:8082/api/incidents/" + id);
        assertThat(opened.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(JSON.readTree(opened.body())).isEqualTo(JSON.readTree(
                "{\"incidentId\":\"" + id + "\",\"version\":1}"));

        assertVersion(http().post("/api/incidents/" + id + "/systems/app-booking/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\",\"reason\":\"possibly infected\"}"), 2);
        assertVersion(http().post("/api/incidents/" + id + "/services/telephony/disruption", "admin",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-09-04T18:30:00Z\"}"), 3);
        assertVersion(http().post("/api/incidents/" + id + "/attacks", "responder",
                "{\"attackType\":\"RANSOMWARE\",\"detectedAt\":\"2023-09-04T18:00:00Z\",\"severity\":\"CRITICAL\"}"), 4);
        assertVersion(http().post("/api/incidents/" + id + "/services/telephony/restoration", "responder",
                "{\"restoredAt\":\"2023-09-05T01:00:00Z\",\"note\":\"emergency lines back\"}"), 5);

        List<ConsumerRecord<String, byte[]>> records = recordsOf(id, 6);
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
        assertThat(records).extracting(r -> header(r, "ce_sequence")).containsExactly("0", "1", "2", "3", "4", "5");
        assertThat(records).extracting(r -> header(r, "ce_type")).containsExactly(
                "io.incidenttracker.incident.incident-opened.v1",
                "io.incidenttracker.incident.attack-detected.v1",
                "io.incidenttracker.incident.system-isolated.v2",
                "io.incidenttracker.incident.service-disruption-reported.v1",
                "io.incidenttracker.incident.attack-detected.v1",
                "io.incidenttracker.incident.service-restored.v1");
        assertThat(records).extracting(r -> header(r, "ce_actor"))
                .containsExactly("responder", "responder", "responder", "admin", "responder", "responder");

        ConsumerRecord<String, byte[]> isolation = records.get(2);
        assertThat(isolation.key()).isEqualTo(id.toString());
        assertThat(header(isolation, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(isolation, "ce_subject")).isEqualTo(id.toString());
        assertThat(header(isolation, "ce_source")).isEqualTo("urn:incident-tracker:incident-command");
        assertThat(Instant.parse(header(isolation, "ce_time"))).isEqualTo(Instant.parse("2023-08-30T07:00:00Z"));
        assertThat(header(isolation, "content-type")).isEqualTo("application/json");
        assertThat(header(isolation, "ce_aggregatetype")).isEqualTo("incident");
        assertThat(header(isolation, "ce_id")).isNotBlank();
        assertThat(Instant.parse(header(isolation, "ce_recordedat")))
                .isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(5, ChronoUnit.MINUTES));
        assertThat(header(records.get(0), "ce_correlationid")).isEqualTo("ticket-4711");
        assertThat(JSON.readTree(isolation.value())).isEqualTo(JSON.readTree("""
                {"incidentId":"%s","systemId":"app-booking","reason":"possibly infected","method":"UNRECORDED",
                 "occurredAt":"2023-08-30T07:00:00Z"}""".formatted(id)));
    }

    @Test
    void createsTheTopicWithUnlimitedRetentionAndTheConfiguredPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.getBrokersAsString()))) {
            var description = admin.describeTopics(List.of("incident-events")).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get("incident-events");
            assertThat(description.partitions()).hasSize(6);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "incident-events");
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        }
    }

    @Test
    void cannotRestoreAServiceThatIsNotDisruptedAndRecordsNothing() throws Exception {
        UUID id = openIncident();
        long before = eventCount();

        HttpResponse<String> refused = http().post("/api/incidents/" + id + "/services/telephony/restoration",
                "responder", "{\"restoredAt\":\"2023-09-05T01:00:00Z\"}");

        assertProblem(refused, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertThat(JSON.readTree(refused.body()).get("detail").asText()).isEqualTo("Service telephony is not disrupted");
        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void answers404ForAnUnknownIncident() throws Exception {
        HttpResponse<String> response = http().post("/api/incidents/" + UUID.randomUUID() + "/systems/crm/isolation",
                "responder", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}");
        assertProblem(response, 404, "urn:problem:incident-tracker:not-found");
    }

    @Test
    void aClientChosenIdCannotOpenASecondIncident() throws Exception {
        UUID id = openIncident();
        HttpResponse<String> again = http().post("/api/incidents", "responder", """
                {"incidentId":"%s","title":"again","attackType":"MALWARE","severity":"LOW",
                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id));
        assertProblem(again, 409, "urn:problem:incident-tracker:concurrent-change");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, id.toString())).isEqualTo(2);
    }

    @Test
    void refusesInvalidInputWithAProblemAndRecordsNothing() throws Exception {
        UUID id = openIncident();
        long before = eventCount();
        String future = Instant.now().plus(Duration.ofHours(2)).toString();

        assertInvalid(http().post("/api/incidents", "responder",
                "{\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"2023-08-30T06:15:00Z\"}"), "title");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"WORM\",\"severity\":\"LOW\",\"detectedAt\":\"2023-08-30T06:15:00Z\"}"),
                "attackType");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"yesterday\"}"),
                "detectedAt");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"" + future + "\"}"),
                "detectedAt");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"2023-08-30T06:15:00Z\","
                        + "\"affectedSystems\":[\"Not A Slug\"]}"), "affectedSystems[0]");
        assertInvalid(http().post("/api/incidents/" + id + "/attacks", "responder",
                "{\"attackType\":\"MALWARE\",\"detectedAt\":\"2023-08-30T06:15:00Z\",\"actor\":\"someone-else\"}"),
                "actor");
        assertInvalid(http().post("/api/incidents/" + id + "/systems/Bad%20Slug/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), "systemId");
        assertInvalid(http().post("/api/incidents/not-a-uuid/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), "incidentId");
        assertInvalid(http().post("/api/incidents/" + id + "/services/telephony/disruption", "responder",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-09-04T18:30:00Z\""), "body");
        assertInvalid(http().post("/api/incidents/" + id + "/services/telephony/disruption", "responder",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-09-04T18:30:00Z\"}", Map.of("If-Match", "3")),
                "If-Match");
        assertProblem(http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "isolatedAt=2023-08-30T07:00:00Z", Map.of("Content-Type", "text/plain")), 415,
                "urn:problem:incident-tracker:unsupported-media-type");
        assertProblem(http().post("/api/incidents", "responder",
                "{\"title\":\"" + "x".repeat(70_000) + "\"}"), 413, "urn:problem:incident-tracker:payload-too-large");

        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void onlyResponderAndAdminMayIssueCommands() throws Exception {
        String body = "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\","
                + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}";
        HttpResponse<String> anonymous = http().post("/api/incidents", null, body);
        assertProblem(anonymous, 401, "urn:problem:incident-tracker:unauthenticated");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertProblem(http().post("/api/incidents", "intruder", body), 401,
                "urn:problem:incident-tracker:unauthenticated");
        assertProblem(http().post("/api/incidents", "viewer", body), 403, "urn:problem:incident-tracker:forbidden");
        assertProblem(http().post("/api/incidents", "auditor", body), 403, "urn:problem:incident-tracker:forbidden");
        assertThat(http().post("/api/incidents", "admin", body).statusCode()).isEqualTo(201);
    }

    @Test
    void appliesACommandOnlyWhenIfMatchNamesTheCurrentVersion() throws Exception {
        UUID id = openIncident();
        String body = "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}";

        HttpResponse<String> stale = http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                body, Map.of("If-Match", "\"0\""));
        assertProblem(stale, 412, "urn:problem:incident-tracker:version-mismatch");
        assertThat(stale.headers().firstValue("ETag")).hasValue("\"1\"");

        assertVersion(http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder", body,
                Map.of("If-Match", "\"1\"")), 2);
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyAnswersTheFirstAnswerAndAppendsNothing() throws Exception {
        String body = "{\"title\":\"Phishing wave\",\"attackType\":\"PHISHING\",\"severity\":\"MEDIUM\","
                + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}";
        Map<String, String> key = Map.of("Idempotency-Key", "open-" + UUID.randomUUID());

        HttpResponse<String> first = http().post("/api/incidents", "responder", body, key);
        long events = eventCount();
        HttpResponse<String> repeat = http().post("/api/incidents", "responder", body, key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(repeat.statusCode()).isEqualTo(201);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(eventCount()).isEqualTo(events);

        HttpResponse<String> otherBody = http().post("/api/incidents", "responder",
                body.replace("Phishing wave", "Something else"), key);
        assertProblem(otherBody, 422, "urn:problem:incident-tracker:idempotency-key-reused");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void concurrentRepeatsWithOneIdempotencyKeyAppendOnce() throws Exception {
        UUID id = openIncident();
        Map<String, String> key = Map.of("Idempotency-Key", "isolate-" + UUID.randomUUID());
        String body = "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}";
        long before = eventCount();

        List<java.util.concurrent.Future<HttpResponse<String>>> answers = new ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> http().post("/api/incidents/" + id + "/systems/crm/isolation",
                        "responder", body, key)));
            }
            for (var answer : answers) {
                HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(JSON.readTree(response.body()).get("version").asLong()).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(eventCount()).isEqualTo(before + 1);
    }

    @Test
    void concurrentCommandsWithTheirOwnIdempotencyKeysOnOneIncidentAllApply() throws Exception {
        UUID id = openIncident();
        List<HttpResponse<String>> answers = concurrently(16, i -> http().post(
                "/api/incidents/" + id + "/systems/node-" + i + "/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}", Map.of("Idempotency-Key", "node-" + i + "-" + id)));

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        List<Long> versions = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            versions.add(JSON.readTree(answer.body()).get("version").asLong());
        }
        assertThat(versions).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(2, 17).boxed().toList());
    }

    @Test
    void thirtyTwoConcurrentConflictingCommandsGiveOneConsistentOutcome() throws Exception {
        UUID id = openIncident();
        List<HttpResponse<String>> sameSystem = concurrently(32, i -> http().post(
                "/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"));
        List<HttpResponse<String>> sameVersion = concurrently(32, i -> http().post(
                "/api/incidents/" + id + "/systems/host-" + i + "/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}", Map.of("If-Match", "\"2\"")));
        List<HttpResponse<String>> independent = concurrently(32, i -> http().post(
                "/api/incidents/" + id + "/services/svc-" + i + "/disruption", "responder",
                "{\"impact\":\"DEGRADED\",\"since\":\"2023-08-30T07:00:00Z\"}"));

        assertThat(sameSystem).extracting(HttpResponse::statusCode).containsOnly(200, 409)
                .filteredOn(status -> status == 200).hasSize(1);
        assertThat(sameVersion).extracting(HttpResponse::statusCode).containsOnly(200, 412)
                .filteredOn(status -> status == 200).hasSize(1);
        assertThat(independent).extracting(HttpResponse::statusCode).containsOnly(200);

        List<Long> versions = new ArrayList<>();
        for (HttpResponse<String> response : independent) {
            versions.add(JSON.readTree(response.body()).get("version").asLong());
        }
        assertThat(versions).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(4L, 35L));
        List<Long> sequences = jdbc.queryForList("SELECT sequence_number FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? ORDER BY global_index", Long.class, id.toString());
        assertThat(sequences).hasSize(2 + 1 + 1 + 32);
        for (int i = 0; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).as("contiguous sequence in commit order").isEqualTo(i);
        }
    }

    private static List<HttpResponse<String>> concurrently(int count,
            java.util.function.IntFunction<HttpResponse<String>> request) throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(count);
        var start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.apply(n);
                }));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (var future : futures) {
                responses.add(future.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The gap hazard (AxonFramework#4829): an event whose transaction commits after the publisher's gap timeout must
     * still be published. Here one command's transaction is held open, with its event appended, for longer than the
     * (shortened) gap timeout while other commands are sent, among them one that fails on insert and so leaves a
     * second, permanent gap: with more than one gap (the shortened threshold) the publisher cleans up timed-out gaps,
     * and a command that commits after that moves its position past the held event for good. Without serialized appends those commands would commit
     * first, the publisher would pass over the held event's index as a gap and never come back for it.
     */
    @Test
    void anEventWhoseTransactionCommitsAfterTheGapTimeoutStillReachesKafka() throws Exception {
        UUID held = openIncident();
        UUID other = openIncident();
        var appended = new java.util.concurrent.CountDownLatch(1);
        var release = new java.util.concurrent.CountDownLatch(1);
        commandBus.registerHandlerInterceptor((unitOfWork, chain) -> {
            Object result = chain.proceed();
            if (unitOfWork.getMessage().getMetaData().containsKey("holdCommit")) {
                unitOfWork.onPrepareCommit(u -> {
                    appended.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            return result;
        });
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var heldCommand = pool.submit(() -> commandGateway.sendAndWait(GenericCommandMessage.asCommandMessage(
                            new IsolateSystem(held, null, "held-system", Instant.parse("2023-08-30T07:00:00Z"), null, null))
                    .andMetaData(Map.of("actor", "tester", "correlationId", "held", "holdCommit", true))));
            assertThat(appended.await(30, TimeUnit.SECONDS)).isTrue();

            var duplicate = pool.submit(() -> http().post("/api/incidents", "responder", """
                    {"incidentId":"%s","title":"again","attackType":"MALWARE","severity":"LOW",
                     "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(other)));
            List<java.util.concurrent.Future<HttpResponse<String>>> others = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                others.add(pool.submit(() -> http().post("/api/incidents/" + other + "/systems/other-" + n
                        + "/isolation", "responder", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}")));
            }
            Thread.sleep(3_000); // past the 2 s gap timeout: the publisher now treats the held event as a lost gap
            others.add(pool.submit(() -> http().post("/api/incidents/" + other + "/systems/late/isolation",
                    "responder", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}")));
            Thread.sleep(3_000); // time for a later event to be read past the forgotten gap, were it committed
            release.countDown();

            assertThat(heldCommand.get(30, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(duplicate.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(409);
            for (var answer : others) {
                assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }

        assertThat(recordsOf(held, 3)).extracting(r -> header(r, "ce_sequence")).containsExactly("0", "1", "2");
        assertThat(recordsOf(other, 6)).extracting(r -> header(r, "ce_sequence"))
                .containsExactly("0", "1", "2", "3", "4", "5");
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
                + "WHERE aggregate_identifier = ?", String.class, id.toString())).isEqualTo("1");
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

    /** Logins and authorization decisions are measured; each of Spring Security's filters is not (CPU per request). */
    @Test
    void securityIsObservedPerLoginAndDecisionNotPerFilter() {
        openIncident();
        assertThat(meters.find("spring.security.authentications").meters()).isNotEmpty();
        assertThat(meters.find("spring.security.authorizations").meters()).isNotEmpty();
        assertThat(meters.find("spring.security.filterchains").meters()).isEmpty();
        assertThat(meters.find("http.server.requests").meters()).isNotEmpty();
    }

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

    @Test
    void reportsReadinessOfDatabaseAndKafka() throws Exception {
        HttpResponse<String> readiness = http().get("/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).get("status").asText()).isEqualTo("UP");
        assertThat(http().get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(http().get("/actuator/health", "admin").body());
        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/kafka/status").asText()).isEqualTo("UP");
    }

    @Test
    void publishesAnOpenApiDocumentWithEveryCommand() throws Exception {
        JsonNode paths = JSON.readTree(http().get("/v3/api-docs", null).body()).get("paths");
        assertThat(paths.has("/api/incidents")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/attacks")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/systems/{systemId}/isolation")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/services/{serviceId}/disruption")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/services/{serviceId}/restoration")).isTrue();
        for (String path : List.of("/attacks/{wave}/first-activity", "/severity", "/commander",
                "/systems/{systemId}/reconnection", "/containment", "/resolution", "/closure", "/reopening",
                "/forensic-analyses", "/forensic-analyses/{analysisId}/findings",
                "/forensic-analyses/{analysisId}/conclusion", "/data-impact-assessments", "/authority-notifications",
                "/status-updates", "/links", "/corrections")) {
            assertThat(paths.has("/api/incidents/{incidentId}" + path)).as(path).isTrue();
        }
        List<String> isolationHeaders = new ArrayList<>();
        paths.at("/~1api~1incidents~1{incidentId}~1systems~1{systemId}~1isolation/post/parameters").forEach(
                parameter -> isolationHeaders.add(parameter.get("in").asText() + ":" + parameter.get("name").asText()));
        assertThat(isolationHeaders).contains("header:If-Match", "header:Idempotency-Key", "header:X-Correlation-Id")
                .noneMatch(parameter -> parameter.startsWith("query:"));
    }

    @Test
    void runsTheLifeCycleOverHttpAndRefusesWhatBreaksItsRules() throws Exception {
        UUID id = openIncident();
        String base = "/api/incidents/" + id;
        assertVersion(http().post(base + "/commander", "responder",
                "{\"commanderId\":\"ciso-duty\",\"assignedAt\":\"2023-08-30T06:30:00Z\"}"), 2);
        assertInvalid(http().post(base + "/commander", "responder",
                "{\"commanderId\":\"jane.doe@example.org\",\"assignedAt\":\"2023-08-30T06:30:00Z\"}"),
                "commanderId");
        assertVersion(http().post(base + "/systems/app-booking/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), 3);
        assertVersion(http().post(base + "/containment", "responder",
                "{\"containedAt\":\"2023-08-30T09:00:00Z\",\"summary\":\"isolated\"}"), 4);
        assertProblem(http().post(base + "/closure", "responder",
                        "{\"closedAt\":\"2023-08-30T10:00:00Z\",\"postIncidentSummary\":\"done\"}"), 409,
                "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post(base + "/resolution", "responder",
                "{\"resolvedAt\":\"2023-08-30T10:00:00Z\"}"), 5);
        HttpResponse<String> refused = http().post(base + "/closure", "responder",
                "{\"closedAt\":\"2023-08-30T11:00:00Z\",\"postIncidentSummary\":\"done\"}");
        assertProblem(refused, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertThat(refused.body()).contains("systems are isolated (app-booking)");
        assertVersion(http().post(base + "/systems/app-booking/reconnection", "responder",
                "{\"reconnectedAt\":\"2023-08-30T10:30:00Z\",\"note\":\"clean\"}"), 6);
        assertVersion(http().post(base + "/closure", "responder",
                "{\"closedAt\":\"2023-08-30T11:00:00Z\",\"postIncidentSummary\":\"done\"}"), 7);
        assertVersion(http().post(base + "/status-updates", "responder",
                "{\"audience\":\"PUBLIC\",\"text\":\"resolved\",\"publishedAt\":\"2023-08-30T11:05:00Z\"}"), 8);
        assertInvalid(http().post(base + "/corrections", "responder",
                "{\"sequence\":3,\"occurredAt\":\"2999-01-01T00:00:00Z\",\"reason\":\"x\","
                        + "\"correctedAt\":\"2023-08-31T00:00:00Z\"}"), "occurredAt");
        assertVersion(http().post(base + "/corrections", "responder",
                "{\"sequence\":3,\"occurredAt\":\"2023-08-30T06:50:00Z\",\"reason\":\"firewall log\","
                        + "\"correctedAt\":\"2023-08-31T00:00:00Z\"}"), 9);
        assertInvalid(http().post(base + "/forensic-analyses/fa-1/findings", "responder",
                "{\"foundAt\":\"2023-08-31T00:00:00Z\"}"), "text");
        assertInvalid(http().post("/api/incidents", "responder", """
                {"title":"Cyberattack","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z","firstActivityAt":"2023-08-30T07:00:00Z"}"""),
                "firstActivityAt");
    }

    @Test
    void republishesAnIncidentsStoredEventsAsTheVeryRecordsPublishedBefore() throws Exception {
        UUID id = openIncident();
        assertVersion(http().post("/api/incidents/" + id + "/systems/app-booking/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\",\"reason\":\"possibly infected\"}"), 2);
        // the publisher delivers at least once: a record may already be there twice
        List<ConsumerRecord<String, byte[]>> published = recordsOf(id, 3);
        Map<String, ConsumerRecord<String, byte[]>> firstById = new java.util.LinkedHashMap<>();
        published.forEach(r -> firstById.putIfAbsent(header(r, "ce_id"), r));
        assertThat(firstById).hasSize(3);

        HttpResponse<String> response = http().post("/api/admin/events/republish?incidentId=" + id, "admin", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree(
                "{\"incidentId\":\"" + id + "\",\"events\":3}"));
        List<ConsumerRecord<String, byte[]>> all = recordsOf(id, published.size() + 3);
        List<ConsumerRecord<String, byte[]>> republished = all.subList(all.size() - 3, all.size());
        assertThat(republished).extracting(r -> header(r, "ce_id")).containsExactlyElementsOf(firstById.keySet());
        for (ConsumerRecord<String, byte[]> again : republished) {
            ConsumerRecord<String, byte[]> before = firstById.get(header(again, "ce_id"));
            assertThat(again.key()).isEqualTo(before.key());
            assertThat(again.partition()).isEqualTo(before.partition());
            assertThat(again.value()).isEqualTo(before.value());
            for (String header : List.of("ce_type", "ce_sequence", "ce_recordedat", "ce_time", "ce_actor",
                                         "ce_subject", "ce_source", "ce_correlationid")) {
                assertThat(header(again, header)).as(header).isEqualTo(header(before, header));
            }
        }
    }

    @Test
    void republishingIsForAdminsAndNeedsAKnownIncident() throws Exception {
        UUID id = openIncident();
        assertProblem(http().post("/api/admin/events/republish?incidentId=" + id, "responder", ""), 403,
                "urn:problem:incident-tracker:forbidden");
        assertProblem(http().post("/api/admin/events/republish?incidentId=" + UUID.randomUUID(), "admin", ""), 404,
                "urn:problem:incident-tracker:not-found");
        assertProblem(http().post("/api/admin/events/republish?incidentId=not-a-uuid", "admin", ""), 400,
                "urn:problem:incident-tracker:invalid-input");
    }

    @Test
    void republishesEveryStoredEventInTheOrderOfTheStore() throws Exception {
        UUID id = openIncident();
        int before = recordsOf(id, 2).size();
        long stored = eventCount();

        HttpResponse<String> response = http().post("/api/admin/events/republish", "admin", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("events").asLong()).isEqualTo(stored);
        List<ConsumerRecord<String, byte[]>> all = recordsOf(id, before + 2);
        assertThat(all.subList(all.size() - 2, all.size())).extracting(r -> header(r, "ce_sequence"))
                .containsExactly("0", "1");
    }

    /** The revision-1 sample frozen by the contract's approval tests, shared with the query service's tests. */
    static final Path SYSTEM_ISOLATED_V1 = Path.of("..", "shared-events", "src", "test", "resources", "approved",
            "incident", "io.incidenttracker.incident.system-isolated.v1.json");

    @Test
    void readsASystemIsolationStoredAtRevisionOneAsRevisionTwoInTheAggregateAndOnTheTopic() throws Exception {
        UUID id = openIncident();
        Map<String, Object> opened = jdbc.queryForMap("""
                SELECT type, meta_data FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number = 0""",
                id.toString());
        String revisionOne = Files.readString(SYSTEM_ISOLATED_V1)
                .replace("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10", id.toString());
        jdbc.update("""
                INSERT INTO domain_event_entry (aggregate_identifier, sequence_number, type, event_identifier,
                                                meta_data, payload, payload_revision, payload_type, time_stamp)
                VALUES (?, 2, ?, ?, ?, ?, '1', 'io.incidenttracker.events.incident.SystemIsolated', ?)""",
                id.toString(), opened.get("type"), UUID.randomUUID().toString(), opened.get("meta_data"),
                revisionOne.getBytes(StandardCharsets.UTF_8), Instant.now().toString());

        HttpResponse<String> again = http().post("/api/incidents/" + id + "/systems/app-booking/isolation",
                "responder", "{\"isolatedAt\":\"2023-08-30T08:00:00Z\",\"method\":\"NETWORK\"}");
        assertProblem(again, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post("/api/incidents/" + id + "/systems/app-booking/reconnection", "responder",
                "{\"reconnectedAt\":\"2023-08-30T09:00:00Z\"}"), 3);

        ConsumerRecord<String, byte[]> isolation = recordsOf(id, 4).get(2);
        assertThat(header(isolation, "ce_type")).isEqualTo("io.incidenttracker.incident.system-isolated.v2");
        assertThat(JSON.readTree(isolation.value())).isEqualTo(JSON.readTree("""
                {"incidentId":"%s","systemId":"app-booking","reason":"possibly infected","method":"UNRECORDED",
                 "occurredAt":"2023-08-30T07:00:00Z"}""".formatted(id)));
    }

    @Test
    void aClassificationOverHttpStartsReportingClocksWhoseDeadlinesFireInTheRunningService() throws Exception {
        UUID id = openIncident();
        String base = "/api/incidents/" + id + "/classification";
        assertInvalid(http().post(base, "responder", "{\"classifications\":[\"SIGNIFICANT\"]}"), "classifiedAt");
        assertProblem(http().post(base, "responder",
                        "{\"classifications\":[\"DRAMATIC\"],\"classifiedAt\":\"2023-09-04T19:00:00Z\"}"), 400,
                "urn:problem:incident-tracker:invalid-input");
        // the defaults of a Swiss healthcare provider: the ISG report and its completion
        assertVersion(http().post(base, "responder", "{\"classifications\":[\"CRITICAL_INFRASTRUCTURE_AFFECTED\"],"
                + "\"classifiedAt\":\"2023-09-04T19:00:00Z\",\"basis\":\"telephony down\"}"), 4);
        assertProblem(http().post(base, "responder", "{\"classifications\":[\"CRITICAL_INFRASTRUCTURE_AFFECTED\"],"
                        + "\"classifiedAt\":\"2023-09-04T20:00:00Z\"}"), 409,
                "urn:problem:incident-tracker:incident-rule-violation");
        // due in 2023: both clocks miss at the scheduler's next poll (a warning that comes after its miss is dropped)
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number > 4",
                String.class, id.toString())).containsOnly("io.incidenttracker.events.incident.ObligationWarningRaised",
                "io.incidenttracker.events.incident.ObligationDeadlineMissed")
                .filteredOn(type -> type.endsWith("ObligationDeadlineMissed")).hasSize(2));
    }

    private UUID openIncident() {
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

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }

    private static void assertVersion(HttpResponse<String> response, long version) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("version").asLong()).isEqualTo(version);
        assertThat(response.headers().firstValue("ETag")).hasValue("\"" + version + "\"");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo(type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
    }

    private static void assertInvalid(HttpResponse<String> response, String field) throws Exception {
        assertProblem(response, 400, "urn:problem:incident-tracker:invalid-input");
        JsonNode errors = JSON.readTree(response.body()).get("errors");
        assertThat(errors).as(response.body()).isNotNull();
        List<String> fields = new ArrayList<>();
        errors.forEach(error -> fields.add(error.get("field").asText()));
        assertThat(fields).as(response.body()).contains(field);
    }

    private static List<ConsumerRecord<String, byte[]>> recordsOf(UUID incidentId, int expected) {
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
            // a batch the broker has not acknowledged is retried after the publisher's 30 s acknowledgement timeout
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (incidentId.toString().equals(record.key())) {
                        found.add(record);
                    }
                });
                return found.size() >= expected;
            });
        }
        return found;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
