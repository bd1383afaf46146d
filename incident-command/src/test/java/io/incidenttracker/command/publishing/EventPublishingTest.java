package io.incidenttracker.command.publishing;

import io.incidenttracker.command.CommandServiceIntegration;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the running command service puts on Kafka: every committed event as a binary-mode CloudEvent keyed by its
 * incident, in sequence order, on a topic it provisions itself, also when a transaction commits after the
 * publisher's gap timeout.
 */
class EventPublishingTest extends CommandServiceIntegration {

    static final String CALLER_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void publishesEveryCommittedEventAsABinaryCloudEventKeyedByIncidentInSequenceOrder() throws Exception {
        UUID id = UUID.randomUUID();
        HttpResponse<String> opened = http().post("/api/incidents", "responder", """
                {"incidentId":"%s","title":"Cyberattack on telemedicine platform","attackType":"INTRUSION",
                 "severity":"HIGH","detectedAt":"2023-08-30T06:15:00Z","affectedSystems":["app-booking"],
                 "techniques":["T1078"]}""".formatted(id), Map.of("X-Correlation-Id", "ticket-4711",
                "traceparent", CALLER_TRACEPARENT));

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
                "{\"attackType\":\"RANSOMWARE\",\"detectedAt\":\"2023-09-04T18:00:00Z\","
                        + "\"severity\":\"CRITICAL\"}"), 4);
        assertVersion(http().post("/api/incidents/" + id + "/services/telephony/restoration", "responder",
                "{\"restoredAt\":\"2023-09-05T01:00:00Z\",\"note\":\"emergency lines back\"}"), 5);

        // the publisher delivers at least once: a retried batch may put an event on the topic twice, so the
        // events are told apart by their ce_id, never counted as records
        List<ConsumerRecord<String, byte[]>> records = distinctEventsOf(id, 6);
        assertThat(records).extracting(r -> header(r, "ce_id")).doesNotHaveDuplicates().hasSize(6);
        assertThat(records).extracting(ConsumerRecord::partition).containsOnly(records.get(0).partition());
        // zero-padded, so that the sequence orders as a string as well ("10" would sort before "9")
        assertThat(records).extracting(r -> header(r, "ce_sequence")).containsExactly(
                "0000000000000000000", "0000000000000000001", "0000000000000000002", "0000000000000000003",
                "0000000000000000004", "0000000000000000005");
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
        // the caller's trace continues: same trace id, the command's own span as parent; a request without a
        // traceparent starts a trace of its own
        String opening = header(records.get(0), "ce_traceparent");
        assertThat(opening).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
                .isNotEqualTo(CALLER_TRACEPARENT);
        assertThat(header(records.get(1), "ce_traceparent")).isEqualTo(opening);
        assertThat(header(isolation, "ce_traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01")
                .doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
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

    /**
     * The gap hazard (AxonFramework#4829): an event whose transaction commits after the gap timeout of a reader that
     * follows the global index must still be published. Here one command's transaction is held open, with its event
     * appended, for longer than the (shortened) gap timeout while other commands are sent, among them one that fails
     * on insert and so leaves a permanent gap, and one that commits after that. A reader by index would pass over the
     * held event's index for good; the publication relay reads only below the oldest running transaction, so it waits
     * for the held one and publishes it.
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
                            new IsolateSystem(held, null, "held-system", Instant.parse("2023-08-30T07:00:00Z"),
                                    null, null))
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

        assertThat(distinctEventsOf(held, 3)).extracting(r -> sequence(header(r, "ce_sequence")))
                .containsExactly(0L, 1L, 2L);
        assertThat(distinctEventsOf(other, 6)).extracting(r -> sequence(header(r, "ce_sequence")))
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    private static long sequence(String extension) {
        return io.incidenttracker.events.CloudEventsContract.parseSequence(extension);
    }
}
