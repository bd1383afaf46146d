package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;

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

    private final ProjectionSql sql;

    ObligationProjection(ProjectionSql sql) {
        this.sql = sql;
    }

    /** Whether this projection applies the event. */
    static boolean handles(IncidentEvent event) {
        return event instanceof IncidentClassified || event instanceof ObligationOpened
                || event instanceof ObligationWarningRaised || event instanceof ObligationDeadlineMissed
                || event instanceof ObligationFulfilled;
    }

    void apply(long sequence, IncidentEvent event) {
        if (event instanceof IncidentClassified e) {
            sql.write("""
                    INSERT INTO incident_classification (incident_id, sequence, classifications, basis, classified_at)
                    VALUES (?, ?, ?, ?, ?)""",
                    e.incidentId(), sequence, ProjectionSql.textArray(e.classifications().stream().map(Enum::name).toList()),
                    e.basis(), timestamp(e.occurredAt()));
        } else if (event instanceof ObligationOpened e) {
            sql.write("""
                    INSERT INTO obligation (incident_id, regime, clock, regime_name, clock_name, recipient,
                                            trigger_fact, opened_sequence, started_at, warn_at, due_at, report_fields)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    e.incidentId(), e.regime(), e.clock(), e.regimeName(), e.clockName(), e.recipient(),
                    e.trigger(), sequence, timestamp(e.occurredAt()), timestamp(e.warnAt()),
                    timestamp(e.dueAt()), ProjectionSql.textArray(e.reportFields()));
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
        int updated = sql.update("UPDATE obligation SET " + set + " WHERE incident_id = ? AND regime = ? AND clock = ?",
                arguments);
        if (updated != 1) {
            throw new IllegalStateException("No obligation " + regime + "/" + clock + " on incident " + incidentId);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
