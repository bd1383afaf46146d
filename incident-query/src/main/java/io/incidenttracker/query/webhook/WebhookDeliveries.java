package io.incidenttracker.query.webhook;

import io.swagger.v3.oas.annotations.media.Schema;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.incidenttracker.query.webhook.WebhookSubscriptions.instant;

/** The deliveries of webhooks and their attempts: the outbox the dispatcher works from, and the delivery log. */
@Component
public class WebhookDeliveries {

    public static final String PENDING = "PENDING";
    public static final String DELIVERED = "DELIVERED";
    public static final String GIVEN_UP = "GIVEN_UP";

    private final JdbcTemplate jdbc;

    public WebhookDeliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A delivery that is due: the oldest pending one of its subscription and incident. */
    public record Due(long deliveryId, UUID subscriptionId, String messageId, UUID incidentId, long sequence,
                      String body, int attempts) {
    }

    @Schema(description = "One attempt to deliver a webhook")
    public record Attempt(
            @Schema(description = "1 for the first attempt; counts on across re-deliveries") int attempt,
            Instant at,
            @Schema(description = "The receiver's HTTP status; null when no answer came", nullable = true) Integer status,
            @Schema(description = "Why the attempt failed without an HTTP status (time-out, connection refused, "
                    + "address refused); null otherwise", nullable = true) String error,
            @Schema(description = "How long the attempt took, in milliseconds") long durationMs) {
    }

    @Schema(description = "One event's delivery to a subscription, with its attempts")
    public record Delivery(
            long id,
            @Schema(description = "The webhook-id header: the CloudEvent's id, the same across retries") String messageId,
            UUID incidentId,
            @Schema(description = "The event's sequence within its incident") long sequence,
            @Schema(description = "The CloudEvents type of the event") String eventType,
            @Schema(description = "PENDING (to be attempted), DELIVERED (a 2xx came) or GIVEN_UP (attempts ran "
                    + "out; an admin may deliver it again)", allowableValues = {PENDING, DELIVERED, GIVEN_UP}) String state,
            @Schema(description = "Attempts since it was (re)queued") int attempts,
            @Schema(description = "When the next attempt is due; null unless PENDING", nullable = true) Instant nextAttemptAt,
            @Schema(description = "The last attempt's HTTP status, if it got one", nullable = true) Integer lastStatus,
            @Schema(description = "The last attempt's failure without a status", nullable = true) String lastError,
            Instant createdAt,
            @Schema(description = "When it was delivered or given up", nullable = true) Instant finishedAt,
            List<Attempt> attemptLog) {
    }

    /**
     * Queues an event for each of the given subscriptions; an event queued before (a record read again after a
     * restart) is not queued twice.
     */
    public void enqueue(List<UUID> subscriptionIds, String messageId, UUID incidentId, long sequence,
                        String eventType, String body, Instant now) {
        Timestamp at = Timestamp.from(now);
        List<Object[]> rows = new ArrayList<>();
        for (UUID subscription : subscriptionIds) {
            rows.add(new Object[] {subscription, messageId, incidentId, sequence, eventType, body, at, at});
        }
        jdbc.batchUpdate("""
                INSERT INTO webhook_delivery (subscription_id, message_id, incident_id, sequence, event_type, body,
                                              state, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)
                ON CONFLICT (subscription_id, incident_id, sequence) DO NOTHING""", rows);
    }

    /**
     * The deliveries that may be attempted now: per subscription and incident only the oldest pending one (so an
     * incident's events arrive in order), when its attempt is due and no dispatcher holds it.
     */
    public List<Due> due(int limit) {
        return jdbc.query("""
                SELECT d.delivery_id, d.subscription_id, d.message_id, d.incident_id, d.sequence, d.body, d.attempts
                FROM (SELECT DISTINCT ON (subscription_id, incident_id) *
                        FROM webhook_delivery WHERE state = 'PENDING'
                       ORDER BY subscription_id, incident_id, delivery_id) d
                WHERE d.next_attempt_at <= now() AND (d.leased_until IS NULL OR d.leased_until < now())
                ORDER BY d.next_attempt_at, d.delivery_id
                LIMIT ?""",
                (rs, row) -> new Due(rs.getLong("delivery_id"), rs.getObject("subscription_id", UUID.class),
                                     rs.getString("message_id"), rs.getObject("incident_id", UUID.class),
                                     rs.getLong("sequence"), rs.getString("body"), rs.getInt("attempts")),
                limit);
    }

    /** Takes a due delivery for one attempt, until the lease ends; false when another dispatcher has it. */
    public boolean lease(long deliveryId, Instant until) {
        return jdbc.update("""
                UPDATE webhook_delivery SET leased_until = ?
                 WHERE delivery_id = ? AND state = 'PENDING' AND (leased_until IS NULL OR leased_until < now())""",
                           Timestamp.from(until), deliveryId) == 1;
    }

    /**
     * Records an attempt and its consequence: DELIVERED, GIVEN_UP, or PENDING again at {@code nextAttemptAt}.
     */
    @Transactional
    public void recordAttempt(long deliveryId, Instant at, Integer status, String error, long durationMs,
                              String newState, Instant nextAttemptAt) {
        jdbc.update("""
                INSERT INTO webhook_attempt (delivery_id, attempt, at, status, error, duration_ms)
                VALUES (?, (SELECT COALESCE(max(attempt), 0) + 1 FROM webhook_attempt WHERE delivery_id = ?),
                        ?, ?, ?, ?)""",
                    deliveryId, deliveryId, Timestamp.from(at), status, truncate(error), durationMs);
        boolean finished = !PENDING.equals(newState);
        jdbc.update("""
                UPDATE webhook_delivery
                   SET attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?, state = ?,
                       next_attempt_at = ?, leased_until = NULL, finished_at = ?
                 WHERE delivery_id = ?""",
                    Timestamp.from(at), status, truncate(error), newState,
                    Timestamp.from(finished ? at : nextAttemptAt), finished ? Timestamp.from(at) : null, deliveryId);
    }

    /**
     * Queues a delivered or given-up delivery again with fresh attempts (same {@code webhook-id}); a pending one is
     * left as it is. Empty when the subscription has no such delivery.
     */
    @Transactional
    public Optional<Delivery> redeliver(UUID subscriptionId, long deliveryId) {
        jdbc.update("""
                UPDATE webhook_delivery
                   SET state = 'PENDING', attempts = 0, next_attempt_at = now(), finished_at = NULL,
                       leased_until = NULL
                 WHERE subscription_id = ? AND delivery_id = ? AND state <> 'PENDING'""", subscriptionId, deliveryId);
        return log(subscriptionId, null, 1, deliveryId).stream().findFirst();
    }

    /** The delivery log of a subscription, newest first, optionally of one state. */
    public List<Delivery> log(UUID subscriptionId, String state, int limit) {
        return log(subscriptionId, state, limit, null);
    }

    private List<Delivery> log(UUID subscriptionId, String state, int limit, Long only) {
        List<Delivery> deliveries = jdbc.query("""
                SELECT delivery_id, message_id, incident_id, sequence, event_type, state, attempts, next_attempt_at,
                       last_status, last_error, created_at, finished_at
                FROM webhook_delivery
                WHERE subscription_id = ? AND (?::text IS NULL OR state = ?)
                  AND (?::bigint IS NULL OR delivery_id = ?)
                ORDER BY delivery_id DESC LIMIT ?""",
                DELIVERY_ROWS, subscriptionId, state, state, only, only, limit);
        if (deliveries.isEmpty()) {
            return deliveries;
        }
        Map<Long, List<Attempt>> attempts = new LinkedHashMap<>();
        jdbc.query("""
                SELECT delivery_id, attempt, at, status, error, duration_ms FROM webhook_attempt
                WHERE delivery_id = ANY (?) ORDER BY delivery_id, attempt""",
                   rs -> {
                       attempts.computeIfAbsent(rs.getLong("delivery_id"), id -> new ArrayList<>())
                               .add(new Attempt(rs.getInt("attempt"), instant(rs, "at"),
                                                (Integer) rs.getObject("status"), rs.getString("error"),
                                                rs.getLong("duration_ms")));
                   },
                   (Object) deliveries.stream().map(Delivery::id).toArray(Long[]::new));
        return deliveries.stream().map(d -> new Delivery(d.id(), d.messageId(), d.incidentId(), d.sequence(),
                d.eventType(), d.state(), d.attempts(), d.nextAttemptAt(), d.lastStatus(), d.lastError(),
                d.createdAt(), d.finishedAt(), attempts.getOrDefault(d.id(), List.of()))).toList();
    }

    /** Deliveries per state over all subscriptions, for the metrics. */
    public Map<String, Long> countsByState() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(PENDING, count(PENDING));
        counts.put(GIVEN_UP, count(GIVEN_UP));
        return counts;
    }

    private long count(String state) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM webhook_delivery WHERE state = ?", Long.class, state);
        return count == null ? 0 : count;
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500);
    }

    private static final RowMapper<Delivery> DELIVERY_ROWS = (rs, row) -> {
        String state = rs.getString("state");
        return new Delivery(rs.getLong("delivery_id"), rs.getString("message_id"),
                            rs.getObject("incident_id", UUID.class), rs.getLong("sequence"),
                            rs.getString("event_type"), state, rs.getInt("attempts"),
                            PENDING.equals(state) ? instant(rs, "next_attempt_at") : null,
                            (Integer) rs.getObject("last_status"), rs.getString("last_error"),
                            instant(rs, "created_at"), instant(rs, "finished_at"), List.of());
    };
}
