package io.incidenttracker.command.publishing;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * How far publication lags behind the event store: the health indicator {@code publication} and the values of the
 * gauges {@code incident.publication.lag} (seconds: the age of the oldest committed event the broker has not
 * acknowledged, 0 when none) and {@code incident.publication.pending} (events). Read from the stored position, so they
 * are right on a standby instance as well. A long-running or idle-in-transaction session anywhere on the server holds
 * the horizon, and with it publication, back: the lag shows it.
 */
class PublicationMonitor implements HealthIndicator {

    private final PublicationRelay relay;
    private final JdbcTemplate jdbc;

    PublicationMonitor(PublicationRelay relay, JdbcTemplate jdbc) {
        this.relay = relay;
        this.jdbc = jdbc;
    }

    /** The events not acknowledged yet and the recording time of the first of them in publication order. */
    record Backlog(long pending, Instant oldest) {
        double lagSeconds(Instant now) {
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
        }
    }

    Backlog backlog() {
        List<Backlog> rows = jdbc.query("""
                SELECT (SELECT count(*) FROM domain_event_entry e
                        WHERE (e.transaction_id, e.global_index) > (p.transaction_id, p.global_index)) AS pending,
                       (SELECT e.time_stamp FROM domain_event_entry e
                        WHERE (e.transaction_id, e.global_index) > (p.transaction_id, p.global_index)
                        ORDER BY e.transaction_id, e.global_index LIMIT 1) AS oldest
                FROM publication_position p WHERE p.publisher = ?""",
                (rs, n) -> new Backlog(rs.getLong("pending"), instant(rs.getString("oldest"))), relay.name());
        return rows.isEmpty() ? new Backlog(0, null) : rows.get(0);
    }

    double lagSeconds() {
        return backlog().lagSeconds(Instant.now());
    }

    double pendingEvents() {
        return backlog().pending();
    }

    @Override
    public Health health() {
        Backlog backlog = backlog();
        PublicationRelay.Status status = relay.status();
        Health.Builder health = Health.up()
                .withDetail("publisher", relay.name())
                .withDetail("leader", status.leader())
                .withDetail("horizon", status.horizon())
                .withDetail("position", String.valueOf(status.position()))
                .withDetail("pendingEvents", backlog.pending())
                .withDetail("lagSeconds", backlog.lagSeconds(Instant.now()))
                .withDetail("batches", status.batches())
                .withDetail("failedBatches", status.failedBatches());
        if (status.lastPublishedAt() != null) {
            health.withDetail("lastPublishedAt", status.lastPublishedAt().toString());
        }
        if (status.lastFailure() != null) {
            health.withDetail("lastFailure", status.lastFailure());
        }
        return health.build();
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

}
