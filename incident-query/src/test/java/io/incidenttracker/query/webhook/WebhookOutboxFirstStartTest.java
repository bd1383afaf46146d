package io.incidenttracker.query.webhook;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.consuming.Processors;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.KafkaTrackingToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A query service that starts on a topic full of events (a new database, a rebuild of the query side) with no
 * webhook subscription reads none of them into the webhook outbox: nobody can be due a delivery for an event recorded
 * before any subscription existed. With a subscription stored, the outbox's first start reads the topic from its
 * beginning like the other processors.
 */
class WebhookOutboxFirstStartTest extends QueryServiceIntegrationTest {

    static final Instant T0 = Instant.parse("2024-03-04T05:00:00Z");
    static final int EVENTS = 6;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Configuration axon;

    @Autowired
    EventProcessingConfiguration processing;

    @Autowired
    WebhookOutboxFirstStart firstStart;

    @Autowired
    WebhookSubscriptions subscriptions;

    /** Runs before the Spring context (and so every processor) starts. */
    @BeforeAll
    static void publishBeforeTheServiceStarts() {
        UUID id = UUID.randomUUID();
        events.publish(0, new IncidentOpened(id, "Before the outbox existed", Severity.HIGH, T0));
        for (int sequence = 1; sequence < EVENTS; sequence++) {
            events.publish(sequence, new AttackDetected(id, sequence, AttackType.INTRUSION, null, null,
                    List.of("host-" + sequence), List.of(), T0.plusSeconds(sequence)));
        }
    }

    @BeforeEach
    void everyProcessorHasCaughtUp() {
        await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM timeline_entry") == EVENTS);
    }

    @AfterEach
    void noSubscriptionLeft() {
        jdbc.update("DELETE FROM webhook_subscription");
    }

    @Test
    void withNoSubscriptionTheOutboxStartsAtTheEndOfTheTopicAndReadsNoOldEvent() {
        // the projection read every record from the start; the outbox started past the last of them
        Map<Integer, Long> projection = positions(Processors.INCIDENT_PROJECTION);
        assertThat(projection.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        assertThat(positions(Processors.WEBHOOK_OUTBOX)).isEqualTo(projection);
        assertThat(outbox().isReplaying()).isFalse();

        Map<Integer, Long> atTheEnd = restartWithoutPosition();

        assertThat(atTheEnd).as("tokens initialized by the outbox's first start").isEqualTo(projection);
        assertThat(count("SELECT count(*) FROM webhook_delivery")).isZero();
    }

    @Test
    void withASubscriptionTheOutboxLeavesItsFirstStartToTheOtherProcessorsStart() {
        subscriptions.create("https://hooks.example.org/incidents", List.of(), "kept",
                             "whsec_" + Base64.getEncoder().encodeToString(new byte[32]), "admin", Instant.now());

        Map<Integer, Long> positions = restartWithoutPosition();

        assertThat(positions).as("no tokens: the other processors' first start reads from the beginning").isNull();
    }

    /**
     * Stops the outbox, forgets its position, runs its first start and answers the positions it stored (null: no
     * tokens), then lets the processors' own first start fill in and starts the outbox again.
     */
    private Map<Integer, Long> restartWithoutPosition() {
        StreamingEventProcessor outbox = outbox();
        TrackingToken before = outbox.processingStatus().values().iterator().next().getTrackingToken();
        TokenStore tokens = processing.tokenStore(Processors.WEBHOOK_OUTBOX);
        TransactionManager transactions = axon.getComponent(TransactionManager.class);
        outbox.shutDown();
        jdbc.update("DELETE FROM token_entry WHERE processor_name = ?", Processors.WEBHOOK_OUTBOX);
        try {
            firstStart.startAtTheEndIfNobodyListens(axon);
            int[] segments = transactions.fetchInTransaction(() -> tokens.fetchSegments(Processors.WEBHOOK_OUTBOX));
            if (segments.length == 0) {
                return null;
            }
            return byPartition(transactions.fetchInTransaction(
                    () -> tokens.fetchToken(Processors.WEBHOOK_OUTBOX, segments[0])));
        } finally {
            jdbc.update("DELETE FROM token_entry WHERE processor_name = ?", Processors.WEBHOOK_OUTBOX);
            transactions.executeInTransaction(
                    () -> tokens.initializeTokenSegments(Processors.WEBHOOK_OUTBOX, 1, before));
            outbox.start();
        }
    }

    private StreamingEventProcessor outbox() {
        return processing.eventProcessor(Processors.WEBHOOK_OUTBOX, StreamingEventProcessor.class).orElseThrow();
    }

    private Map<Integer, Long> positions(String processor) {
        TrackingToken token = processing.eventProcessor(processor, StreamingEventProcessor.class).orElseThrow()
                .processingStatus().values().iterator().next().getTrackingToken();
        return byPartition(token);
    }

    private static Map<Integer, Long> byPartition(TrackingToken token) {
        Map<Integer, Long> positions = new TreeMap<>();
        KafkaTrackingToken.from(token).getPositions().forEach((partition, offset) ->
                positions.put(partition.partition(), offset));
        return positions;
    }

    private long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }
}
