package io.incidenttracker.query.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks end to end: events on a real topic, the outbox processor, the dispatcher and real HTTP receivers on
 * loopback (allowed in the local profile the tests run in). The retry schedule is scaled down (100 ms doubling to
 * 1 s, 10 attempts: 3 to 6.5 s before a delivery is given up; production waits hours) and the waits of the tests
 * with it.
 */
@TestPropertySource(properties = {
        "incident-query.webhooks.initial-backoff=100ms",
        "incident-query.webhooks.max-backoff=1s",
        "incident-query.webhooks.max-attempts=10",
        "incident-query.webhooks.request-timeout=3s",
        "incident-query.webhooks.poll-interval=100ms",
})
class WebhookDeliveryTest extends QueryServiceIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    private final List<Receiver> receivers = new ArrayList<>();
    private final List<String> subscriptions = new ArrayList<>();

    @AfterEach
    void unsubscribeAndStop() {
        subscriptions.forEach(id -> as("admin").delete("/api/admin/webhooks/" + id));
        receivers.forEach(Receiver::close);
    }

    private Receiver receiver(java.util.function.Function<Receiver.Received, Integer> answer) throws Exception {
        Receiver receiver = new Receiver(answer);
        receivers.add(receiver);
        return receiver;
    }

    /** Subscribes the receiver and gives it the secret; answers the subscription. */
    private JsonNode subscribe(Receiver receiver, List<String> events) {
        Map<String, Object> body = events == null ? Map.of("url", receiver.url(), "description", "test")
                : Map.of("url", receiver.url(), "events", events);
        ResponseEntity<JsonNode> created;
        try {
            created = postJson("/api/admin/webhooks", JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        receiver.secrets.add(created.getBody().get("secret").asText());
        return created.getBody();
    }

    /** An incident's story of {@code count} events from sequence 0; answers the incident id. */
    private static UUID publishStory(int count) {
        UUID id = UUID.randomUUID();
        Instant t = Instant.now().minusSeconds(600);
        List<IncidentEvent> story = List.of(
                new IncidentOpened(id, "Ransomware on booking", Severity.HIGH, t),
                new AttackDetected(id, 1, AttackType.RANSOMWARE, Severity.HIGH, null, List.of("crm"),
                                   List.of("T1486"), t),
                new SeverityChanged(id, Severity.CRITICAL, "spreading", t.plusSeconds(10)),
                new ServiceDisruptionReported(id, "booking", ServiceImpact.UNAVAILABLE, "down", t.plusSeconds(20)),
                new IncidentCommanderAssigned(id, "alice", t.plusSeconds(30)),
                new ServiceRestored(id, "booking", "back", t.plusSeconds(40)),
                new IncidentClosed(id, "contained and restored", null, t.plusSeconds(50)));
        for (int seq = 0; seq < count; seq++) {
            events.publish(seq, story.get(seq));
        }
        return id;
    }

    private JsonNode deliveries(String subscription) {
        ResponseEntity<JsonNode> log = as("admin").getForEntity("/api/admin/webhooks/" + subscription
                + "/deliveries", JsonNode.class);
        assertThat(log.getStatusCode()).isEqualTo(HttpStatus.OK);
        return log.getBody();
    }

    @Test
    void aReceiverGetsEveryEventInOrderPerIncidentSignedAsStandardWebhooksDefine() throws Exception {
        Receiver receiver = receiver(r -> 204);
        subscribe(receiver, List.of("*"));
        UUID first = publishStory(7);
        UUID second = publishStory(7);

        await().atMost(PATIENCE).until(() -> receiver.received.size() >= 14);
        assertThat(receiver.sequencesOf(first.toString())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(receiver.sequencesOf(second.toString())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(receiver.received).allMatch(Receiver.Received::signatureValid);
        Receiver.Received opened = receiver.received.stream()
                .filter(r -> r.incidentId().equals(first.toString()) && r.sequence() == 0).findFirst().orElseThrow();
        // the body is the CloudEvent in JSON structured mode; webhook-id is its id
        assertThat(opened.event().get("specversion").asText()).isEqualTo("1.0");
        assertThat(opened.event().get("id").asText()).isEqualTo(opened.webhookId());
        assertThat(opened.event().get("type").asText()).isEqualTo("io.incidenttracker.incident.incident-opened.v1");
        assertThat(opened.event().get("data").get("title").asText()).isEqualTo("Ransomware on booking");
        assertThat(opened.signatureHeader()).startsWith("v1,").doesNotContain(" ");
    }

    @Test
    void aSignatureMadeWithAnotherSecretDoesNotVerify() throws Exception {
        Receiver receiver = receiver(r -> 200);
        subscribe(receiver, List.of("*"));
        receiver.secrets.clear();
        receiver.secrets.add(WebhookSignature.newSecret());
        publishStory(1);
        await().atMost(PATIENCE).until(() -> !receiver.received.isEmpty());
        assertThat(receiver.received.get(0).signatureValid()).isFalse();
    }

    @Test
    void aReceiverAnswering500IsRetriedWithTheSameWebhookIdUntilItAnswers200() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Receiver receiver = receiver(r -> calls.incrementAndGet() <= 2 ? 500 : 200);
        String subscription = subscribe(receiver, List.of("*")).get("id").asText();
        UUID incident = publishStory(3);

        await().atMost(PATIENCE).until(() -> receiver.sequencesOf(incident.toString()).size() == 3
                && deliveries(subscription).findValuesAsText("state").stream().allMatch("DELIVERED"::equals));
        List<Receiver.Received> firstEvent = receiver.received.stream().filter(r -> r.sequence() == 0).toList();
        assertThat(firstEvent).hasSize(3);
        assertThat(firstEvent).extracting(Receiver.Received::webhookId).containsOnly(firstEvent.get(0).webhookId());
        assertThat(receiver.sequencesOf(incident.toString())).containsExactly(0L, 1L, 2L);
        JsonNode log = deliveries(subscription);
        JsonNode opened = log.get(log.size() - 1);
        assertThat(opened.get("sequence").asLong()).isZero();
        assertThat(opened.get("attemptLog").findValuesAsText("status")).containsExactly("500", "500", "200");
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutWithoutDelayingTheOthers() throws Exception {
        Receiver silent = receiver(r -> {
            try {
                Thread.sleep(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });
        Receiver healthy = receiver(r -> 200);
        String silentSubscription = subscribe(silent, List.of("*")).get("id").asText();
        subscribe(healthy, List.of("*"));
        UUID incident = publishStory(5);

        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.sequencesOf(incident.toString()).size() == 5);
        assertThat(healthy.sequencesOf(incident.toString())).containsExactly(0L, 1L, 2L, 3L, 4L);
        await().atMost(PATIENCE).until(() -> deliveries(silentSubscription).findValuesAsText("error").stream()
                .anyMatch(error -> error.startsWith("time-out")));
        // the silent one is still stuck at the incident's first event: later ones wait behind it, in order
        assertThat(silent.sequencesOf(incident.toString())).containsOnly(0L);
    }

    @Test
    void aReceiverDownForAWhileGetsEverythingAfterwardsInOrder() throws Exception {
        Receiver receiver = receiver(r -> 200);
        String subscription = subscribe(receiver, List.of("*")).get("id").asText();
        receiver.stop();
        UUID incident = publishStory(7);
        await().atMost(PATIENCE).until(() -> deliveries(subscription).findValuesAsText("error").stream()
                .anyMatch(error -> error.contains("Connect")));
        Thread.sleep(3000); // down for longer than the first attempts' backoff, shorter than the retry budget
        receiver.restart();

        await().atMost(PATIENCE).until(() -> receiver.sequencesOf(incident.toString()).size() == 7);
        assertThat(receiver.sequencesOf(incident.toString())).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(receiver.received).allMatch(Receiver.Received::signatureValid);
    }

    @Test
    void aDeliveryGivenUpIsLoggedAndCountedTheIncidentsLaterEventsFlowAndAnAdminDeliversItAgain() throws Exception {
        AtomicBoolean refuseSequenceOne = new AtomicBoolean(true);
        Receiver receiver = receiver(r -> refuseSequenceOne.get() && r.sequence() == 1 ? 503 : 200);
        String subscription = subscribe(receiver, List.of("*")).get("id").asText();
        double givenUpBefore = meters.counter("incident.webhooks.given-up").count();
        UUID incident = publishStory(4);

        await().atMost(PATIENCE).until(() -> receiver.sequencesOf(incident.toString()).containsAll(
                List.of(0L, 1L, 2L, 3L)) && receiver.received.stream().filter(r -> r.sequence() == 3).count() == 1);
        assertThat(receiver.sequencesOf(incident.toString())).containsExactly(0L, 1L, 2L, 3L);
        assertThat(receiver.received.stream().filter(r -> r.sequence() == 1).count()).isEqualTo(10);
        assertThat(meters.counter("incident.webhooks.given-up").count()).isEqualTo(givenUpBefore + 1);
        ResponseEntity<JsonNode> givenUp = as("admin").getForEntity("/api/admin/webhooks/" + subscription
                + "/deliveries?state=given_up", JsonNode.class);
        assertThat(givenUp.getBody()).hasSize(1);
        JsonNode delivery = givenUp.getBody().get(0);
        assertThat(delivery.get("sequence").asLong()).isEqualTo(1);
        assertThat(delivery.get("lastStatus").asInt()).isEqualTo(503);
        assertThat(delivery.get("attemptLog")).hasSize(10);
        assertThat(delivery.get("nextAttemptAt").isNull()).isTrue();

        refuseSequenceOne.set(false);
        ResponseEntity<JsonNode> again = postJson("/api/admin/webhooks/" + subscription
                + "/deliveries/" + delivery.get("id").asLong() + "/redelivery", "");
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        await().atMost(PATIENCE).until(() -> receiver.received.stream().filter(r -> r.sequence() == 1).count() == 11);
        Receiver.Received last = receiver.received.get(receiver.received.size() - 1);
        assertThat(last.webhookId()).isEqualTo(delivery.get("messageId").asText());
        await().atMost(PATIENCE).until(() -> deliveries(subscription).findValuesAsText("state").stream()
                .allMatch("DELIVERED"::equals));
    }

    @Test
    void duringASecretRotationEachDeliveryCarriesBothSignatures() throws Exception {
        Receiver receiver = receiver(r -> 200);
        String subscription = subscribe(receiver, List.of("*")).get("id").asText();
        String oldSecret = receiver.secrets.get(0);
        ResponseEntity<JsonNode> rotated = postJson("/api/admin/webhooks/" + subscription
                + "/secret-rotation", "");
        assertThat(rotated.getStatusCode()).isEqualTo(HttpStatus.OK);
        String newSecret = rotated.getBody().get("secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
        assertThat(as("admin").getForObject("/api/admin/webhooks/" + subscription, JsonNode.class)
                .get("previousSecretValidUntil").isNull()).isFalse();

        publishStory(1);
        await().atMost(PATIENCE).until(() -> !receiver.received.isEmpty());
        Receiver.Received delivered = receiver.received.get(0);
        assertThat(delivered.signatureHeader().split(" ")).hasSize(2);
        receiver.secrets.clear();
        receiver.secrets.add(newSecret);
        assertThat(receiver.verifies(delivered.webhookId(), Long.toString(delivered.timestamp()), delivered.body(),
                                     delivered.signatureHeader())).isTrue();
        receiver.secrets.clear();
        receiver.secrets.add(oldSecret);
        assertThat(receiver.verifies(delivered.webhookId(), Long.toString(delivered.timestamp()), delivered.body(),
                                     delivered.signatureHeader())).isTrue();
    }

    @Test
    void withoutAnEventListASubscriptionGetsTheDefaultListOnly() throws Exception {
        Receiver receiver = receiver(r -> 200);
        JsonNode created = subscribe(receiver, null);
        List<String> events = new ArrayList<>();
        created.get("events").forEach(e -> events.add(e.asText()));
        assertThat(events).containsExactlyElementsOf(WebhookEventTypes.DEFAULT);
        UUID incident = publishStory(7);

        // opened, severity changed, disruption reported, service restored, closed; not the attack nor the commander
        await().atMost(PATIENCE).until(() -> receiver.sequencesOf(incident.toString()).size() == 5);
        assertThat(receiver.sequencesOf(incident.toString())).containsExactly(0L, 2L, 3L, 5L, 6L);
    }

    @Test
    void aSubscriptionGetsOnlyEventsRecordedAfterItWasCreated() throws Exception {
        Receiver early = receiver(r -> 200);
        subscribe(early, List.of("*"));
        UUID before = publishStory(2);
        await().atMost(PATIENCE).until(() -> early.sequencesOf(before.toString()).size() == 2);
        Receiver late = receiver(r -> 200);
        subscribe(late, List.of("*"));
        UUID after = publishStory(1);
        await().atMost(PATIENCE).until(() -> late.sequencesOf(after.toString()).size() == 1);
        assertThat(late.sequencesOf(before.toString())).isEmpty();
    }

    @Test
    void theSecretIsShownOnceAndStoredEncrypted() throws Exception {
        Receiver receiver = receiver(r -> 200);
        JsonNode created = subscribe(receiver, List.of("io.incidenttracker.incident.obligation-deadline-missed"));
        String secret = created.get("secret").asText();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        String id = created.get("id").asText();

        JsonNode fetched = as("admin").getForObject("/api/admin/webhooks/" + id, JsonNode.class);
        assertThat(fetched.has("secret")).isFalse();
        assertThat(as("admin").getForObject("/api/admin/webhooks", String.class)).doesNotContain(secret);
        byte[] stored = jdbc.queryForObject("SELECT secret_encrypted FROM webhook_subscription "
                + "WHERE subscription_id = ?::uuid", byte[].class, id);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6));
        assertThat(Base64.getEncoder().encodeToString(stored)).doesNotContain(secret.substring(6, 20));
    }

    @Test
    void badSubscriptionsAreRefusedWithAProblemAndCreateNothing() {
        Integer before = jdbc.queryForObject("SELECT count(*) FROM webhook_subscription", Integer.class);
        for (String body : List.of(
                "{\"url\":\"http://127.0.0.1:1/x\",\"events\":[\"io.incidenttracker.incident.no-such-event\"]}",
                "{\"url\":\"http://127.0.0.1:1/x\",\"events\":[\"io.incidenttracker.incident.incident-opened.v1\"]}",
                "{\"url\":\"http://127.0.0.1:1/x\",\"events\":[]}",
                "{\"url\":\"http://127.0.0.1:1/x\",\"events\":[\"*\",\"io.incidenttracker.incident.incident-opened\"]}",
                "{\"url\":\"ftp://127.0.0.1/x\"}",
                "{\"url\":\"http://user:pw@127.0.0.1:1/x\"}",
                "{\"url\":\"\"}",
                "{\"url\":\"http://127.0.0.1:1/x\",\"secret\":\"whsec_mine\"}")) {
            ResponseEntity<JsonNode> answer = postJson("/api/admin/webhooks", body);
            assertThat(answer.getStatusCode()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(answer.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM webhook_subscription", Integer.class)).isEqualTo(before);
        assertThat(postJson("/api/admin/webhooks", "{\"url\":\"http://127.0.0.1:1/x\"}").getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
    }

    @Test
    void unknownSubscriptionsAndDeliveriesAreNotFound() {
        String unknown = UUID.randomUUID().toString();
        assertThat(as("admin").getForEntity("/api/admin/webhooks/" + unknown, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(as("admin").exchange("/api/admin/webhooks/" + unknown, HttpMethod.DELETE, null, JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(as("admin").getForEntity("/api/admin/webhooks/" + unknown + "/deliveries", JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(postJson("/api/admin/webhooks/" + unknown + "/deliveries/1/redelivery", "").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(postJson("/api/admin/webhooks/" + unknown + "/secret-rotation", "").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        ResponseEntity<JsonNode> created = postJson("/api/admin/webhooks", "{\"url\":\"http://127.0.0.1:1/x\"}");
        String id = created.getBody().get("id").asText();
        assertThat(as("admin").getForEntity("/api/admin/webhooks/" + id + "/deliveries?state=lost", JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(as("admin").exchange("/api/admin/webhooks/" + id, HttpMethod.DELETE, null, JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(as("admin").getForEntity("/api/admin/webhooks/" + id, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void onlyAnAdminManagesWebhooks() {
        for (String user : List.of("viewer", "responder", "auditor")) {
            assertThat(as(user).getForEntity("/api/admin/webhooks", JsonNode.class).getStatusCode())
                    .isEqualTo(HttpStatus.FORBIDDEN);
        }
        assertThat(as("admin").getForEntity("/api/admin/webhooks", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
    }

    private ResponseEntity<JsonNode> postJson(String path, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<JsonNode> answer = as("admin").postForEntity(path, new HttpEntity<>(body, headers),
                                                                    JsonNode.class);
        if (answer.getStatusCode() == HttpStatus.CREATED) {
            subscriptions.add(answer.getBody().get("id").asText());
        }
        return answer;
    }

}
