package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The part of the incident projection that follows the regulatory clocks: classifications and obligations (read by
 * the views of {@code query.obligation}). Called inside the incident projection's per-incident sequence check, so
 * each event is applied once and in order.
 */
final class ObligationProjection {

    /** Every table this projection writes, for the reset. */
    static final String TABLES = "obligation, incident_classification";

    private final JdbcTemplate jdbc;

    ObligationProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether this projection applies the event. */
    static boolean handles(IncidentEvent event) {
        return event instanceof IncidentClassified || event instanceof ObligationOpened
                || event instanceof ObligationWarningRaised || event instanceof ObligationDeadlineMissed
                || event instanceof ObligationFulfilled;
    }

    void apply(long sequence, IncidentEvent event) {
        if (event instanceof IncidentClassified e) {
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement("""
                        INSERT INTO incident_classification (incident_id, sequence, classifications, basis,
                                                             classified_at)
                        VALUES (?, ?, ?, ?, ?)""");
                ps.setObject(1, e.incidentId());
                ps.setLong(2, sequence);
                ps.setArray(3, con.createArrayOf("text", e.classifications().stream().map(Enum::name).toArray()));
                ps.setString(4, e.basis());
                ps.setObject(5, timestamp(e.occurredAt()));
                return ps;
            });
        } else if (event instanceof ObligationOpened e) {
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement("""
                        INSERT INTO obligation (incident_id, regime, clock, regime_name, clock_name, recipient,
                                                trigger_fact, opened_sequence, started_at, warn_at, due_at,
                                                report_fields)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
                ps.setObject(1, e.incidentId());
                ps.setString(2, e.regime());
                ps.setString(3, e.clock());
                ps.setString(4, e.regimeName());
                ps.setString(5, e.clockName());
                ps.setString(6, e.recipient());
                ps.setString(7, e.trigger());
                ps.setLong(8, sequence);
                ps.setObject(9, timestamp(e.occurredAt()));
                ps.setObject(10, timestamp(e.warnAt()));
                ps.setObject(11, timestamp(e.dueAt()));
                ps.setArray(12, con.createArrayOf("text", e.reportFields().toArray()));
                return ps;
            });
        } else if (event instanceof ObligationWarningRaised e) {
            update("warned_at = ?", e.incidentId(), e.regime(), e.clock(), timestamp(e.occurredAt()));
        } else if (event instanceof ObligationDeadlineMissed e) {
            update("missed_at = ?", e.incidentId(), e.regime(), e.clock(), timestamp(e.occurredAt()));
        } else if (event instanceof ObligationFulfilled e) {
            update("fulfilled_at = ?, fulfilled_late = ?, notification_sequence = ?", e.incidentId(), e.regime(),
                    e.clock(), timestamp(e.occurredAt()), e.late(), e.notificationSequence());
        } else {
            throw new IllegalArgumentException("Not an obligation event: " + event.getClass());
        }
    }

    /** Every obligation event follows its ObligationOpened in the incident's sequence, so the row exists. */
    private void update(String set, UUID incidentId, String regime, String clock, Object... values) {
        Object[] arguments = new Object[values.length + 3];
        System.arraycopy(values, 0, arguments, 0, values.length);
        arguments[values.length] = incidentId;
        arguments[values.length + 1] = regime;
        arguments[values.length + 2] = clock;
        int updated = jdbc.update("UPDATE obligation SET " + set + " WHERE incident_id = ? AND regime = ? AND clock = ?",
                arguments);
        if (updated != 1) {
            throw new IllegalStateException("No obligation " + regime + "/" + clock + " on incident " + incidentId);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
