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
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The part of the incident projection that follows the life cycle and what responders record beside it: status and
 * severity history, commander, forensics, data-impact assessments, notifications, status updates, links and
 * corrections. Called by {@link IncidentProjector} for every event inside its per-incident sequence check, so it is
 * applied exactly once per event and in sequence order; the switch over the sealed event type names every event, so
 * a new one does not compile until this projection says what it does with it.
 */
final class LifecycleProjection {

    private static final ProjectionWrite SEVERITY_CHANGE = ProjectionWrite.insertInto(ProjectionTable.SEVERITY_CHANGE,
            "incident_id", "sequence", "severity", "reason", "at").values();
    private static final ProjectionWrite STATUS_CHANGE = ProjectionWrite.insertInto(ProjectionTable.STATUS_CHANGE,
            "incident_id", "sequence", "status", "at", "note", "waiver_reason").values();
    private static final ProjectionWrite SYSTEM_HISTORY = ProjectionWrite.insertInto(ProjectionTable.SYSTEM_HISTORY,
            "incident_id", "sequence", "system_id", "state", "at", "note").values();
    private static final ProjectionWrite SERVICE_HISTORY = ProjectionWrite.insertInto(
            ProjectionTable.SERVICE_HISTORY, "incident_id", "sequence", "service_id", "state", "at").values();
    private static final ProjectionWrite COMMANDER = ProjectionWrite.update(ProjectionTable.INCIDENT,
            "commander_id = ?", "incident_id = ?");
    private static final ProjectionWrite COMMANDER_ASSIGNMENT = ProjectionWrite.insertInto(
            ProjectionTable.COMMANDER_ASSIGNMENT, "incident_id", "sequence", "commander_id", "at").values();
    private static final ProjectionWrite FIRST_ACTIVITY = ProjectionWrite.update(ProjectionTable.ATTACK_WAVE,
            "first_activity_at = ?, first_activity_basis = ?", "incident_id = ? AND wave = ?");
    private static final ProjectionWrite ANALYSIS_STARTED = ProjectionWrite.insertInto(
            ProjectionTable.FORENSIC_ANALYSIS, "incident_id", "analysis_id", "scope", "started_sequence",
            "started_at").values();
    private static final ProjectionWrite FINDING = ProjectionWrite.insertInto(ProjectionTable.FORENSIC_FINDING,
            "incident_id", "sequence", "analysis_id", "techniques", "indicators", "text", "found_at").values();
    private static final ProjectionWrite ANALYSIS_CONCLUDED = ProjectionWrite.update(
            ProjectionTable.FORENSIC_ANALYSIS, "conclusion = ?, concluded_sequence = ?, concluded_at = ?",
            "incident_id = ? AND analysis_id = ?");
    private static final ProjectionWrite DATA_IMPACT = ProjectionWrite.insertInto(
            ProjectionTable.DATA_IMPACT_ASSESSMENT, "incident_id", "sequence", "revision", "personal_data",
            "data_categories", "estimated_people", "exfiltration", "encryption", "rationale", "assessed_at").values();
    private static final ProjectionWrite AUTHORITY_NOTIFICATION = ProjectionWrite.insertInto(
            ProjectionTable.AUTHORITY_NOTIFICATION, "incident_id", "sequence", "authority", "regime", "reference",
            "summary", "notified_at").values();
    private static final ProjectionWrite STATUS_UPDATE = ProjectionWrite.insertInto(ProjectionTable.STATUS_UPDATE,
            "incident_id", "sequence", "audience", "text", "published_at", "headline", "public_status", "impact")
            .values();
    private static final ProjectionWrite LINK = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_LINK,
            "incident_id", "sequence", "linked_incident_id", "relation", "reason", "linked_at").values();

    /** The correction kept beside the stated time, which it copies from the corrected event's timeline entry. */
    private static final ProjectionWrite CORRECTION = ProjectionWrite.insertInto(
            ProjectionTable.OCCURRED_AT_CORRECTION, "incident_id", "sequence", "corrected_sequence", "corrected_type",
            "original_occurred_at", "corrected_occurred_at", "reason", "corrected_at").select("""
                    SELECT incident_id, ?, sequence, type, COALESCE(corrected_occurred_at, occurred_at), ?, ?, ?
                    FROM timeline_entry WHERE incident_id = ? AND sequence = ?""", ProjectionTable.TIMELINE_ENTRY);
    private static final ProjectionWrite TIMELINE_CORRECTED = ProjectionWrite.update(ProjectionTable.TIMELINE_ENTRY,
            "corrected_occurred_at = ?, corrected_by_sequence = ?", "incident_id = ? AND sequence = ?");
    private static final ProjectionWrite OPENED_AT_CORRECTED = ProjectionWrite.update(ProjectionTable.INCIDENT,
            "opened_at = ?", "incident_id = ?");
    /** Rows that carry the sequence of their event and one time column taken from its occurredAt. */
    private static final List<ProjectionWrite> TIMES_BY_SEQUENCE = List.of(
            timeBySequence(ProjectionTable.ATTACK_WAVE, "detected_at"),
            timeBySequence(ProjectionTable.STATUS_CHANGE, "at"),
            timeBySequence(ProjectionTable.SEVERITY_CHANGE, "at"),
            timeBySequence(ProjectionTable.COMMANDER_ASSIGNMENT, "at"),
            timeBySequence(ProjectionTable.SYSTEM_HISTORY, "at"),
            timeBySequence(ProjectionTable.SERVICE_HISTORY, "at"),
            timeBySequence(ProjectionTable.FORENSIC_FINDING, "found_at"),
            timeBySequence(ProjectionTable.DATA_IMPACT_ASSESSMENT, "assessed_at"),
            timeBySequence(ProjectionTable.AUTHORITY_NOTIFICATION, "notified_at"),
            timeBySequence(ProjectionTable.STATUS_UPDATE, "published_at"),
            timeBySequence(ProjectionTable.INCIDENT_LINK, "linked_at"),
            timeBySequence(ProjectionTable.INCIDENT_CLASSIFICATION, "classified_at"));
    private static final List<ProjectionWrite> TIMES_SINCE_SEQUENCE = List.of(
            ProjectionWrite.update(ProjectionTable.INCIDENT_SYSTEM, "since = ?",
                    "incident_id = ? AND since_sequence = ?"),
            ProjectionWrite.update(ProjectionTable.INCIDENT_SERVICE, "since = ?",
                    "incident_id = ? AND since_sequence = ?"),
            ProjectionWrite.update(ProjectionTable.FORENSIC_ANALYSIS, "started_at = ?",
                    "incident_id = ? AND started_sequence = ?"),
            ProjectionWrite.update(ProjectionTable.FORENSIC_ANALYSIS, "concluded_at = ?",
                    "incident_id = ? AND concluded_sequence = ?"));

    private final ProjectionSql sql;

    LifecycleProjection(ProjectionSql sql) {
        this.sql = sql;
    }

    private static ProjectionWrite timeBySequence(ProjectionTable table, String column) {
        return ProjectionWrite.update(table, column + " = ?", "incident_id = ? AND sequence = ?");
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
        sql.write(SYSTEM_HISTORY, incidentId, sequence, systemId, state.name(), timestamp(at), note);
    }

    void serviceHistory(UUID incidentId, long sequence, String serviceId, ServiceState state, Instant at) {
        sql.write(SERVICE_HISTORY, incidentId, sequence, serviceId, state.name(), timestamp(at));
    }

    /**
     * What the event changes in this projection's tables. The events of attacks, systems and services change them
     * in the middle of the status tables' own writes; {@link IncidentProjector} calls {@link #severityRaised},
     * {@link #attackDetected}, {@link #systemHistory} and {@link #serviceHistory} for them, in their order.
     */
    void apply(long sequence, IncidentEvent event) {
        UUID incidentId = event.incidentId();
        switch (event) {
            case IncidentOpened e -> insertSeverity(incidentId, sequence, e.severity(), "opened", e.occurredAt());
            case SeverityChanged e -> {
                sql.set(incidentId, ProjectionSql.Column.SEVERITY, e.severity().name());
                insertSeverity(incidentId, sequence, e.severity(), e.reason(), e.occurredAt());
            }
            case IncidentCommanderAssigned e -> {
                sql.write(COMMANDER, e.commanderId(), incidentId);
                sql.write(COMMANDER_ASSIGNMENT, incidentId, sequence, e.commanderId(), timestamp(e.occurredAt()));
            }
            case FirstActivityEstimated e ->
                    sql.write(FIRST_ACTIVITY, timestamp(e.firstActivityAt()), e.basis(), incidentId, e.wave());
            case IncidentContained e ->
                    setStatus(incidentId, sequence, IncidentStatus.CONTAINED, e.occurredAt(), e.summary(), null);
            case IncidentResolved e ->
                    setStatus(incidentId, sequence, IncidentStatus.RESOLVED, e.occurredAt(), e.summary(), null);
            case IncidentClosed e -> setStatus(incidentId, sequence, IncidentStatus.CLOSED, e.occurredAt(),
                    e.postIncidentSummary(), e.waiverReason());
            case IncidentReopened e ->
                    setStatus(incidentId, sequence, IncidentStatus.DETECTED, e.occurredAt(), e.reason(), null);
            case ForensicAnalysisStarted e -> sql.write(ANALYSIS_STARTED,
                    incidentId, e.analysisId(), e.scope(), sequence, timestamp(e.occurredAt()));
            case ForensicFindingRecorded e -> sql.write(FINDING,
                    incidentId, sequence, e.analysisId(), ProjectionSql.textArray(e.techniques()),
                    ProjectionSql.textArray(e.indicators()), e.text(), timestamp(e.occurredAt()));
            case ForensicAnalysisConcluded e -> sql.write(ANALYSIS_CONCLUDED,
                    e.conclusion(), sequence, timestamp(e.occurredAt()), incidentId, e.analysisId());
            case DataImpactAssessed e -> sql.write(DATA_IMPACT,
                    incidentId, sequence, e.revision(), e.personalData().name(),
                    ProjectionSql.textArray(e.dataCategories()), e.estimatedPeople(), e.exfiltration().name(),
                    e.encryption().name(), e.rationale(), timestamp(e.occurredAt()));
            case AuthorityNotified e -> sql.write(AUTHORITY_NOTIFICATION,
                    incidentId, sequence, e.authority(), e.regime(), e.reference(), e.summary(),
                    timestamp(e.occurredAt()));
            case StatusUpdatePublished e -> sql.write(STATUS_UPDATE,
                    incidentId, sequence, e.audience().name(), e.text(), timestamp(e.occurredAt()), e.headline(),
                    e.status() == null ? null : e.status().name(), e.impact() == null ? null : e.impact().name());
            case IncidentLinked e -> sql.write(LINK,
                    incidentId, sequence, e.linkedIncidentId(), e.relation().name(), e.reason(),
                    timestamp(e.occurredAt()));
            case OccurredAtCorrected e -> correct(sequence, e);
            // through the calls of IncidentProjector, in the middle of its own writes
            case AttackDetected e -> { }
            case SystemIsolated e -> { }
            case SystemReconnected e -> { }
            case ServiceDisruptionReported e -> { }
            case ServiceRestored e -> { }
            // the regulatory clocks: ObligationProjection
            case IncidentClassified e -> { }
            case ObligationOpened e -> { }
            case ObligationWarningRaised e -> { }
            case ObligationDeadlineMissed e -> { }
            case ObligationFulfilled e -> { }
        }
    }

    /**
     * Records the correction beside the stated time, then moves the corrected time into every view that shows it.
     * The corrected event's own timeline entry keeps its stated time and shows the corrected one next to it.
     */
    private void correct(long sequence, OccurredAtCorrected e) {
        UUID incidentId = e.incidentId();
        OffsetDateTime corrected = timestamp(e.correctedOccurredAt());
        sql.write(CORRECTION,
                sequence, corrected, e.reason(), timestamp(e.occurredAt()), incidentId, e.correctedSequence());
        sql.write(TIMELINE_CORRECTED, corrected, sequence, incidentId, e.correctedSequence());
        if (e.correctedSequence() == 0) {
            sql.write(OPENED_AT_CORRECTED, corrected, incidentId);
        }
        for (ProjectionWrite write : TIMES_BY_SEQUENCE) {
            sql.write(write, corrected, incidentId, e.correctedSequence());
        }
        for (ProjectionWrite write : TIMES_SINCE_SEQUENCE) {
            sql.write(write, corrected, incidentId, e.correctedSequence());
        }
        // a corrected link's time shows in the linked incident's detail too, as its incoming link
        linkedBy(e).forEach(sql::touched);
    }

    /** The incident that the corrected event linked this one to, if it was a link. */
    List<UUID> linkedBy(OccurredAtCorrected e) {
        return sql.query("SELECT linked_incident_id FROM incident_link WHERE incident_id = ? AND sequence = ?",
                         (rs, i) -> rs.getObject(1, UUID.class), e.incidentId(), e.correctedSequence());
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
        sql.write(STATUS_CHANGE, incidentId, sequence, status.name(), timestamp(at), note, waiverReason);
    }

    private void insertSeverity(UUID incidentId, long sequence, Severity severity, String reason, Instant at) {
        sql.write(SEVERITY_CHANGE, incidentId, sequence, severity.name(), reason, timestamp(at));
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
