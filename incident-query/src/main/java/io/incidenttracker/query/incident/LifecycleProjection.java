package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The part of the incident projection that follows the life cycle and what responders record beside it: status and
 * severity history, commander, forensics, data-impact assessments, notifications, status updates, links and
 * corrections. Called by {@link IncidentProjector} inside its per-incident sequence check, so it is applied exactly
 * once per event and in sequence order.
 */
final class LifecycleProjection {

    /** Every table this projection writes, for the reset. */
    static final String TABLES = "status_change, severity_change, commander_assignment, system_history, "
            + "service_history, forensic_finding, forensic_analysis, data_impact_assessment, authority_notification, "
            + "status_update, incident_link, occurred_at_correction, " + ObligationProjection.TABLES;

    /** Tables whose rows carry the sequence of their event and one time column taken from its occurredAt. */
    private static final List<String[]> TIMES_BY_SEQUENCE = List.of(
            new String[]{"attack_wave", "detected_at"},
            new String[]{"status_change", "at"},
            new String[]{"severity_change", "at"},
            new String[]{"commander_assignment", "at"},
            new String[]{"system_history", "at"},
            new String[]{"service_history", "at"},
            new String[]{"forensic_finding", "found_at"},
            new String[]{"data_impact_assessment", "assessed_at"},
            new String[]{"authority_notification", "notified_at"},
            new String[]{"status_update", "published_at"},
            new String[]{"incident_link", "linked_at"},
            new String[]{"incident_classification", "classified_at"});

    private final ProjectionSql sql;
    private final ObligationProjection obligations;

    LifecycleProjection(ProjectionSql sql) {
        this.sql = sql;
        this.obligations = new ObligationProjection(sql);
    }

    void opened(long sequence, IncidentOpened opened) {
        insertSeverity(opened.incidentId(), sequence, opened.severity(), "opened", opened.occurredAt());
    }

    void severityRaised(long sequence, AttackDetected attack, Severity raised) {
        insertSeverity(attack.incidentId(), sequence, raised, "attack wave " + attack.wave(), attack.occurredAt());
    }

    /** A new wave undoes containment and resolution. */
    void attackDetected(long sequence, AttackDetected attack) {
        String status = sql.read(attack.incidentId(), ProjectionSql.Column.STATUS);
        if (status.equals(IncidentStatus.CONTAINED.name()) || status.equals(IncidentStatus.RESOLVED.name())) {
            sql.set(attack.incidentId(), ProjectionSql.Column.STATUS, IncidentStatus.DETECTED.name());
            insertStatus(attack.incidentId(), sequence, IncidentStatus.DETECTED, attack.occurredAt(),
                    "attack wave " + attack.wave(), null);
        }
    }

    void systemHistory(UUID incidentId, long sequence, String systemId, SystemState state, Instant at, String note) {
        sql.write("""
                INSERT INTO system_history (incident_id, sequence, system_id, state, at, note) VALUES (?, ?, ?, ?, ?, ?)
                """, incidentId, sequence, systemId, state.name(), timestamp(at), note);
    }

    void serviceHistory(UUID incidentId, long sequence, String serviceId, ServiceState state, Instant at) {
        sql.write("""
                INSERT INTO service_history (incident_id, sequence, service_id, state, at) VALUES (?, ?, ?, ?, ?)
                """, incidentId, sequence, serviceId, state.name(), timestamp(at));
    }

    void apply(long sequence, IncidentEvent event) {
        UUID incidentId = event.incidentId();
        if (event instanceof SeverityChanged e) {
            sql.set(incidentId, ProjectionSql.Column.SEVERITY, e.severity().name());
            insertSeverity(incidentId, sequence, e.severity(), e.reason(), e.occurredAt());
        } else if (event instanceof IncidentCommanderAssigned e) {
            sql.write("UPDATE incident SET commander_id = ? WHERE incident_id = ?", e.commanderId(), incidentId);
            sql.write("""
                    INSERT INTO commander_assignment (incident_id, sequence, commander_id, at) VALUES (?, ?, ?, ?)""",
                    incidentId, sequence, e.commanderId(), timestamp(e.occurredAt()));
        } else if (event instanceof FirstActivityEstimated e) {
            sql.write("""
                    UPDATE attack_wave SET first_activity_at = ?, first_activity_basis = ?
                    WHERE incident_id = ? AND wave = ?""",
                    timestamp(e.firstActivityAt()), e.basis(), incidentId, e.wave());
        } else if (event instanceof IncidentContained e) {
            setStatus(incidentId, sequence, IncidentStatus.CONTAINED, e.occurredAt(), e.summary(), null);
        } else if (event instanceof IncidentResolved e) {
            setStatus(incidentId, sequence, IncidentStatus.RESOLVED, e.occurredAt(), e.summary(), null);
        } else if (event instanceof IncidentClosed e) {
            setStatus(incidentId, sequence, IncidentStatus.CLOSED, e.occurredAt(), e.postIncidentSummary(),
                    e.waiverReason());
        } else if (event instanceof IncidentReopened e) {
            setStatus(incidentId, sequence, IncidentStatus.DETECTED, e.occurredAt(), e.reason(), null);
        } else if (event instanceof ForensicAnalysisStarted e) {
            sql.write("""
                    INSERT INTO forensic_analysis (incident_id, analysis_id, scope, started_sequence, started_at)
                    VALUES (?, ?, ?, ?, ?)""",
                    incidentId, e.analysisId(), e.scope(), sequence, timestamp(e.occurredAt()));
        } else if (event instanceof ForensicFindingRecorded e) {
            sql.write("""
                    INSERT INTO forensic_finding (incident_id, sequence, analysis_id, techniques, indicators, text,
                                                  found_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    incidentId, sequence, e.analysisId(), ProjectionSql.textArray(e.techniques()),
                    ProjectionSql.textArray(e.indicators()), e.text(), timestamp(e.occurredAt()));
        } else if (event instanceof ForensicAnalysisConcluded e) {
            sql.write("""
                    UPDATE forensic_analysis SET conclusion = ?, concluded_sequence = ?, concluded_at = ?
                    WHERE incident_id = ? AND analysis_id = ?""",
                    e.conclusion(), sequence, timestamp(e.occurredAt()), incidentId, e.analysisId());
        } else if (event instanceof DataImpactAssessed e) {
            sql.write("""
                    INSERT INTO data_impact_assessment (incident_id, sequence, revision, personal_data,
                                                        data_categories, estimated_people, exfiltration, encryption,
                                                        rationale, assessed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    incidentId, sequence, e.revision(), e.personalData().name(),
                    ProjectionSql.textArray(e.dataCategories()), e.estimatedPeople(), e.exfiltration().name(),
                    e.encryption().name(), e.rationale(), timestamp(e.occurredAt()));
        } else if (event instanceof AuthorityNotified e) {
            sql.write("""
                    INSERT INTO authority_notification (incident_id, sequence, authority, regime, reference, summary,
                                                        notified_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""",
                    incidentId, sequence, e.authority(), e.regime(), e.reference(), e.summary(),
                    timestamp(e.occurredAt()));
        } else if (event instanceof StatusUpdatePublished e) {
            sql.write("""
                    INSERT INTO status_update (incident_id, sequence, audience, text, published_at)
                    VALUES (?, ?, ?, ?, ?)""",
                    incidentId, sequence, e.audience().name(), e.text(), timestamp(e.occurredAt()));
        } else if (event instanceof IncidentLinked e) {
            sql.write("""
                    INSERT INTO incident_link (incident_id, sequence, linked_incident_id, relation, reason, linked_at)
                    VALUES (?, ?, ?, ?, ?, ?)""",
                    incidentId, sequence, e.linkedIncidentId(), e.relation().name(), e.reason(),
                    timestamp(e.occurredAt()));
        } else if (event instanceof OccurredAtCorrected e) {
            correct(sequence, e);
        } else if (ObligationProjection.handles(event)) {
            obligations.apply(sequence, event);
        } else {
            throw new IllegalArgumentException("Unknown event " + event.getClass());
        }
    }

    /**
     * Records the correction beside the stated time, then moves the corrected time into every view that shows it.
     * The corrected event's own timeline entry keeps its stated time and shows the corrected one next to it.
     */
    private void correct(long sequence, OccurredAtCorrected e) {
        UUID incidentId = e.incidentId();
        OffsetDateTime corrected = timestamp(e.correctedOccurredAt());
        sql.write("""
                INSERT INTO occurred_at_correction (incident_id, sequence, corrected_sequence, corrected_type,
                                                    original_occurred_at, corrected_occurred_at, reason, corrected_at)
                SELECT incident_id, ?, sequence, type, COALESCE(corrected_occurred_at, occurred_at), ?, ?, ?
                FROM timeline_entry WHERE incident_id = ? AND sequence = ?""",
                sequence, corrected, e.reason(), timestamp(e.occurredAt()), incidentId, e.correctedSequence());
        sql.write("""
                UPDATE timeline_entry SET corrected_occurred_at = ?, corrected_by_sequence = ?
                WHERE incident_id = ? AND sequence = ?""", corrected, sequence, incidentId, e.correctedSequence());
        if (e.correctedSequence() == 0) {
            sql.write("UPDATE incident SET opened_at = ? WHERE incident_id = ?", corrected, incidentId);
        }
        for (String[] table : TIMES_BY_SEQUENCE) {
            sql.write("UPDATE " + table[0] + " SET " + table[1] + " = ? WHERE incident_id = ? AND sequence = ?",
                    corrected, incidentId, e.correctedSequence());
        }
        sql.write("UPDATE incident_system SET since = ? WHERE incident_id = ? AND since_sequence = ?",
                corrected, incidentId, e.correctedSequence());
        sql.write("UPDATE incident_service SET since = ? WHERE incident_id = ? AND since_sequence = ?",
                corrected, incidentId, e.correctedSequence());
        sql.write("UPDATE forensic_analysis SET started_at = ? WHERE incident_id = ? AND started_sequence = ?",
                corrected, incidentId, e.correctedSequence());
        sql.write("UPDATE forensic_analysis SET concluded_at = ? WHERE incident_id = ? AND concluded_sequence = ?",
                corrected, incidentId, e.correctedSequence());
    }

    /** The timeline sentence of a correction: which event, from when to when, why. */
    String correctionSummary(long sequence, OccurredAtCorrected e) {
        List<String> found = sql.query("""
                SELECT corrected_type, original_occurred_at FROM occurred_at_correction
                WHERE incident_id = ? AND sequence = ?""",
                (rs, i) -> rs.getString(1) + " (#" + e.correctedSequence() + ") happened from "
                        + rs.getObject(2, OffsetDateTime.class).toInstant(),
                e.incidentId(), sequence);
        String what = found.isEmpty() ? "event #" + e.correctedSequence() + " happened" : found.get(0);
        String text = "Corrected when " + what + " to " + e.correctedOccurredAt();
        return e.reason() == null || e.reason().isBlank() ? text : text + ": " + e.reason();
    }

    private void setStatus(UUID incidentId, long sequence, IncidentStatus status, Instant at, String note,
                           String waiverReason) {
        sql.set(incidentId, ProjectionSql.Column.STATUS, status.name());
        insertStatus(incidentId, sequence, status, at, note, waiverReason);
    }

    private void insertStatus(UUID incidentId, long sequence, IncidentStatus status, Instant at, String note,
                              String waiverReason) {
        sql.write("""
                INSERT INTO status_change (incident_id, sequence, status, at, note, waiver_reason)
                VALUES (?, ?, ?, ?, ?, ?)""",
                incidentId, sequence, status.name(), timestamp(at), note, waiverReason);
    }

    private void insertSeverity(UUID incidentId, long sequence, Severity severity, String reason, Instant at) {
        sql.write("""
                INSERT INTO severity_change (incident_id, sequence, severity, reason, at) VALUES (?, ?, ?, ?, ?)""",
                incidentId, sequence, severity.name(), reason, timestamp(at));
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
