package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The part of the incident projection that follows the regulatory clocks: classifications and obligations (read by
 * the views of {@code query.obligation}). Called by {@link IncidentProjector} for every event inside its per-incident
 * sequence check, so each event is applied once and in order; the switch over the sealed event type names every
 * event, so a new one does not compile until this projection says what it does with it.
 */
final class ObligationProjection {

    private static final ProjectionWrite CLASSIFIED = ProjectionWrite.insertInto(
            ProjectionTable.INCIDENT_CLASSIFICATION, "incident_id", "sequence", "classifications", "basis",
            "classified_at").values();
    private static final ProjectionWrite OPENED = ProjectionWrite.insertInto(ProjectionTable.OBLIGATION,
            "incident_id", "regime", "clock", "regime_name", "clock_name", "recipient", "trigger_fact",
            "opened_sequence", "started_at", "warn_at", "due_at", "report_fields").values();
    private static final String OF_THE_OBLIGATION = "incident_id = ? AND regime = ? AND clock = ?";
    private static final ProjectionWrite WARNED = ProjectionWrite.update(ProjectionTable.OBLIGATION,
            "warned_at = ?", OF_THE_OBLIGATION);
    private static final ProjectionWrite MISSED = ProjectionWrite.update(ProjectionTable.OBLIGATION,
            "missed_at = ?", OF_THE_OBLIGATION);
    private static final ProjectionWrite FULFILLED = ProjectionWrite.update(ProjectionTable.OBLIGATION,
            "fulfilled_at = ?, fulfilled_late = ?, notification_sequence = ?", OF_THE_OBLIGATION);

    private final ProjectionSql sql;

    ObligationProjection(ProjectionSql sql) {
        this.sql = sql;
    }

    void apply(long sequence, IncidentEvent event) {
        switch (event) {
            case IncidentClassified e -> sql.write(CLASSIFIED,
                    e.incidentId(), sequence,
                    ProjectionSql.textArray(e.classifications().stream().map(Enum::name).toList()),
                    e.basis(), timestamp(e.occurredAt()));
            case ObligationOpened e -> sql.write(OPENED,
                    e.incidentId(), e.regime(), e.clock(), e.regimeName(), e.clockName(), e.recipient(),
                    e.trigger(), sequence, timestamp(e.occurredAt()), timestamp(e.warnAt()),
                    timestamp(e.dueAt()), ProjectionSql.textArray(e.reportFields()));
            case ObligationWarningRaised e ->
                    update(WARNED, e.incidentId(), e.regime(), e.clock(), timestamp(e.occurredAt()));
            case ObligationDeadlineMissed e ->
                    update(MISSED, e.incidentId(), e.regime(), e.clock(), timestamp(e.occurredAt()));
            case ObligationFulfilled e -> update(FULFILLED, e.incidentId(), e.regime(), e.clock(),
                    timestamp(e.occurredAt()), e.late(), e.notificationSequence());
            // not about the regulatory clocks
            case IncidentOpened e -> { }
            case AttackDetected e -> { }
            case SystemIsolated e -> { }
            case ServiceDisruptionReported e -> { }
            case ServiceRestored e -> { }
            case SeverityChanged e -> { }
            case IncidentCommanderAssigned e -> { }
            case SystemReconnected e -> { }
            case FirstActivityEstimated e -> { }
            case IncidentContained e -> { }
            case IncidentResolved e -> { }
            case IncidentClosed e -> { }
            case IncidentReopened e -> { }
            case ForensicAnalysisStarted e -> { }
            case ForensicFindingRecorded e -> { }
            case ForensicAnalysisConcluded e -> { }
            case DataImpactAssessed e -> { }
            case AuthorityNotified e -> { }
            case StatusUpdatePublished e -> { }
            case IncidentLinked e -> { }
            case OccurredAtCorrected e -> { }
        }
    }

    /** Every obligation event follows its ObligationOpened in the incident's sequence, so the row exists. */
    private void update(ProjectionWrite write, UUID incidentId, String regime, String clock, Object... values) {
        Object[] arguments = new Object[values.length + 3];
        System.arraycopy(values, 0, arguments, 0, values.length);
        arguments[values.length] = incidentId;
        arguments[values.length + 1] = regime;
        arguments[values.length + 2] = clock;
        int updated = sql.update(write, arguments);
        if (updated != 1) {
            throw new IllegalStateException("No obligation " + regime + "/" + clock + " on incident " + incidentId);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
