package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.incident.IncidentViews.AttackWave;
import io.incidenttracker.query.incident.IncidentViews.AuthorityNotification;
import io.incidenttracker.query.incident.IncidentViews.Closure;
import io.incidenttracker.query.incident.IncidentViews.Correction;
import io.incidenttracker.query.incident.IncidentViews.DataImpact;
import io.incidenttracker.query.incident.IncidentViews.DataImpactAssessment;
import io.incidenttracker.query.incident.IncidentViews.ForensicAnalysis;
import io.incidenttracker.query.incident.IncidentViews.ForensicFinding;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import io.incidenttracker.query.incident.IncidentViews.IncidentLink;
import io.incidenttracker.query.incident.IncidentViews.IncidentSummary;
import io.incidenttracker.query.incident.IncidentViews.IsolatedSystem;
import io.incidenttracker.query.incident.IncidentViews.LinkDirection;
import io.incidenttracker.query.incident.IncidentViews.ResponseMetrics;
import io.incidenttracker.query.incident.IncidentViews.ServiceStatus;
import io.incidenttracker.query.incident.IncidentViews.SeverityChange;
import io.incidenttracker.query.incident.IncidentViews.StatusChange;
import io.incidenttracker.query.incident.IncidentViews.StatusUpdate;
import io.incidenttracker.query.incident.IncidentViews.SystemStatus;
import io.incidenttracker.query.incident.IncidentViews.TimelineEntry;
import io.incidenttracker.query.incident.ResponseMetricsCalculator.ServiceChange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads the incident projection. */
@Repository
@Transactional(readOnly = true)
public class IncidentQueries {

    private final JdbcTemplate jdbc;

    public IncidentQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The list filters; every one optional. {@code open}: true for all but CLOSED, false for CLOSED only. */
    public record Filter(IncidentStatus status, Severity severity, Boolean open, Instant openedFrom,
                         Instant openedBefore) {

        public static Filter none() {
            return new Filter(null, null, null, null, null);
        }
    }

    /** Newest first by opening time, optionally filtered. */
    public List<IncidentSummary> list(IncidentStatus status, Severity severity, int limit) {
        return list(new Filter(status, severity, null, null, null), limit);
    }

    /** Newest first by opening time, filtered. */
    public List<IncidentSummary> list(Filter filter, int limit) {
        StringBuilder sql = new StringBuilder(
                "SELECT incident_id, title, status, severity, opened_at, version FROM incident WHERE TRUE");
        List<Object> args = new ArrayList<>();
        if (filter.status() != null) {
            sql.append(" AND status = ?");
            args.add(filter.status().name());
        }
        if (filter.severity() != null) {
            sql.append(" AND severity = ?");
            args.add(filter.severity().name());
        }
        if (filter.open() != null) {
            sql.append(filter.open() ? " AND status <> 'CLOSED'" : " AND status = 'CLOSED'");
        }
        if (filter.openedFrom() != null) {
            sql.append(" AND opened_at >= ?");
            args.add(timestamp(filter.openedFrom()));
        }
        if (filter.openedBefore() != null) {
            sql.append(" AND opened_at < ?");
            args.add(timestamp(filter.openedBefore()));
        }
        sql.append(" ORDER BY opened_at DESC, incident_id LIMIT ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> new IncidentSummary(
                rs.getObject("incident_id", UUID.class),
                rs.getString("title"),
                IncidentStatus.valueOf(rs.getString("status")),
                Severity.valueOf(rs.getString("severity")),
                instant(rs, "opened_at"),
                rs.getLong("version")), args.toArray());
    }

    /** One incident with everything recorded about it, read in one snapshot. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<IncidentDetail> find(UUID incidentId) {
        List<IncidentDetail> found = jdbc.query("""
                SELECT incident_id, title, status, severity, opened_at, opened_by, version, last_occurred_at,
                       last_recorded_at, commander_id
                FROM incident WHERE incident_id = ?""",
                (rs, i) -> {
                    IncidentStatus status = IncidentStatus.valueOf(rs.getString("status"));
                    List<AttackWave> waves = attackWaves(incidentId);
                    List<StatusChange> statusHistory = statusHistory(incidentId);
                    Instant openedAt = instant(rs, "opened_at");
                    return new IncidentDetail(
                            rs.getObject("incident_id", UUID.class),
                            rs.getString("title"),
                            status,
                            Severity.valueOf(rs.getString("severity")),
                            openedAt,
                            rs.getString("opened_by"),
                            rs.getLong("version"),
                            instant(rs, "last_occurred_at"),
                            instant(rs, "last_recorded_at"),
                            waves,
                            systems(incidentId),
                            services(incidentId),
                            rs.getString("commander_id"),
                            currentSince(status, statusHistory, IncidentStatus.CONTAINED),
                            currentSince(status, statusHistory, IncidentStatus.RESOLVED),
                            status == IncidentStatus.CLOSED ? closure(incidentId) : null,
                            statusHistory,
                            severityHistory(incidentId),
                            forensicAnalyses(incidentId),
                            dataImpact(incidentId),
                            notifications(incidentId),
                            statusUpdates(incidentId),
                            links(incidentId),
                            corrections(incidentId),
                            ResponseMetricsCalculator.calculate(status, openedAt, waves, statusHistory,
                                    serviceChanges(incidentId)));
                },
                incidentId);
        return found.stream().findFirst();
    }

    /** The response metrics of one incident, or empty if it is unknown. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<ResponseMetrics> metrics(UUID incidentId) {
        return find(incidentId).map(IncidentDetail::metrics);
    }

    /** The timeline in sequence order, or empty if the incident is unknown. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public Optional<List<TimelineEntry>> timeline(UUID incidentId) {
        if (!exists(incidentId)) {
            return Optional.empty();
        }
        return Optional.of(jdbc.query("""
                SELECT sequence, type, occurred_at, recorded_at, actor, summary, event_id, correlation_id,
                       corrected_occurred_at, corrected_by_sequence
                FROM timeline_entry WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new TimelineEntry(
                        rs.getLong("sequence"),
                        rs.getString("type"),
                        instant(rs, "occurred_at"),
                        instant(rs, "recorded_at"),
                        rs.getString("actor"),
                        rs.getString("summary"),
                        rs.getString("event_id"),
                        rs.getString("correlation_id"),
                        instant(rs, "corrected_occurred_at"),
                        rs.getObject("corrected_by_sequence", Long.class)),
                incidentId));
    }

    /** Every system isolated now, across incidents, by system id then isolation time. */
    public List<IsolatedSystem> isolatedSystems() {
        return jdbc.query("""
                SELECT s.system_id, s.incident_id, i.title, i.status, s.since, s.isolation_reason
                FROM incident_system s JOIN incident i ON i.incident_id = s.incident_id
                WHERE s.state = 'ISOLATED'
                ORDER BY s.system_id, s.since, s.incident_id""",
                (rs, i) -> new IsolatedSystem(
                        rs.getString("system_id"),
                        rs.getObject("incident_id", UUID.class),
                        rs.getString("title"),
                        IncidentStatus.valueOf(rs.getString("status")),
                        instant(rs, "since"),
                        rs.getString("isolation_reason")));
    }

    private boolean exists(UUID incidentId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM incident WHERE incident_id = ?)", Boolean.class, incidentId));
    }

    private List<AttackWave> attackWaves(UUID incidentId) {
        return jdbc.query("""
                SELECT wave, attack_type, severity, description, detected_at, affected_systems, techniques,
                       first_activity_at, first_activity_basis
                FROM attack_wave WHERE incident_id = ? ORDER BY wave, sequence""",
                (rs, i) -> new AttackWave(
                        rs.getInt("wave"),
                        AttackType.valueOf(rs.getString("attack_type")),
                        rs.getString("severity") == null ? null : Severity.valueOf(rs.getString("severity")),
                        rs.getString("description"),
                        instant(rs, "detected_at"),
                        strings(rs.getArray("affected_systems")),
                        strings(rs.getArray("techniques")),
                        instant(rs, "first_activity_at"),
                        rs.getString("first_activity_basis")),
                incidentId);
    }

    private List<SystemStatus> systems(UUID incidentId) {
        return jdbc.query("""
                SELECT system_id, state, since, isolation_reason, isolation_method FROM incident_system
                WHERE incident_id = ?
                ORDER BY system_id""",
                (rs, i) -> new SystemStatus(
                        rs.getString("system_id"),
                        SystemState.valueOf(rs.getString("state")),
                        instant(rs, "since"),
                        rs.getString("isolation_reason"),
                        rs.getString("isolation_method") == null ? null
                                : IsolationMethod.valueOf(rs.getString("isolation_method"))),
                incidentId);
    }

    private List<ServiceStatus> services(UUID incidentId) {
        return jdbc.query("""
                SELECT service_id, state, since, description FROM incident_service WHERE incident_id = ?
                ORDER BY service_id""",
                (rs, i) -> new ServiceStatus(
                        rs.getString("service_id"),
                        ServiceState.valueOf(rs.getString("state")),
                        instant(rs, "since"),
                        rs.getString("description")),
                incidentId);
    }

    private List<StatusChange> statusHistory(UUID incidentId) {
        return jdbc.query("""
                SELECT sequence, status, at, note FROM status_change WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new StatusChange(rs.getLong("sequence"), IncidentStatus.valueOf(rs.getString("status")),
                        instant(rs, "at"), rs.getString("note")),
                incidentId);
    }

    /** When the incident entered {@code wanted} for the last time, if it is there or beyond it now. */
    private static Instant currentSince(IncidentStatus status, List<StatusChange> history, IncidentStatus wanted) {
        if (status.ordinal() < wanted.ordinal()) {
            return null;
        }
        Instant since = null;
        for (StatusChange change : history) {
            if (change.status() == wanted) {
                since = change.since();
            }
        }
        return since;
    }

    private Closure closure(UUID incidentId) {
        return jdbc.query("""
                SELECT at, note, waiver_reason FROM status_change WHERE incident_id = ? AND status = 'CLOSED'
                ORDER BY sequence DESC LIMIT 1""",
                (rs, i) -> new Closure(instant(rs, "at"), rs.getString("note"), rs.getString("waiver_reason")),
                incidentId).stream().findFirst().orElse(null);
    }

    private List<SeverityChange> severityHistory(UUID incidentId) {
        return jdbc.query("""
                SELECT sequence, severity, at, reason FROM severity_change WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new SeverityChange(rs.getLong("sequence"), Severity.valueOf(rs.getString("severity")),
                        instant(rs, "at"), rs.getString("reason")),
                incidentId);
    }

    private List<ForensicAnalysis> forensicAnalyses(UUID incidentId) {
        List<ForensicFinding> noFindings = List.of();
        List<ForensicAnalysis> analyses = jdbc.query("""
                SELECT analysis_id, scope, started_at, concluded_at, conclusion FROM forensic_analysis
                WHERE incident_id = ? ORDER BY started_sequence""",
                (rs, i) -> new ForensicAnalysis(rs.getString("analysis_id"), rs.getString("scope"),
                        instant(rs, "started_at"), instant(rs, "concluded_at"), rs.getString("conclusion"),
                        noFindings),
                incidentId);
        List<ForensicAnalysis> withFindings = new ArrayList<>();
        for (ForensicAnalysis analysis : analyses) {
            List<ForensicFinding> findings = jdbc.query("""
                    SELECT sequence, found_at, techniques, indicators, text FROM forensic_finding
                    WHERE incident_id = ? AND analysis_id = ? ORDER BY sequence""",
                    (rs, i) -> new ForensicFinding(rs.getLong("sequence"), instant(rs, "found_at"),
                            strings(rs.getArray("techniques")), strings(rs.getArray("indicators")),
                            rs.getString("text")),
                    incidentId, analysis.analysisId());
            withFindings.add(new ForensicAnalysis(analysis.analysisId(), analysis.scope(), analysis.startedAt(),
                    analysis.concludedAt(), analysis.conclusion(), findings));
        }
        return withFindings;
    }

    private DataImpact dataImpact(UUID incidentId) {
        List<DataImpactAssessment> history = jdbc.query("""
                SELECT sequence, revision, personal_data, data_categories, estimated_people, exfiltration, encryption,
                       rationale, assessed_at
                FROM data_impact_assessment WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new DataImpactAssessment(rs.getLong("sequence"), rs.getInt("revision"),
                        Certainty.valueOf(rs.getString("personal_data")), strings(rs.getArray("data_categories")),
                        rs.getObject("estimated_people", Long.class), Certainty.valueOf(rs.getString("exfiltration")),
                        Certainty.valueOf(rs.getString("encryption")), rs.getString("rationale"),
                        instant(rs, "assessed_at")),
                incidentId);
        return new DataImpact(history.isEmpty() ? null : history.get(history.size() - 1), history);
    }

    private List<AuthorityNotification> notifications(UUID incidentId) {
        return jdbc.query("""
                SELECT sequence, authority, regime, reference, summary, notified_at FROM authority_notification
                WHERE incident_id = ? ORDER BY notified_at, sequence""",
                (rs, i) -> new AuthorityNotification(rs.getLong("sequence"), rs.getString("authority"),
                        rs.getString("regime"), rs.getString("reference"), rs.getString("summary"),
                        instant(rs, "notified_at")),
                incidentId);
    }

    private List<StatusUpdate> statusUpdates(UUID incidentId) {
        return jdbc.query("""
                SELECT sequence, audience, text, published_at FROM status_update
                WHERE incident_id = ? ORDER BY published_at, sequence""",
                (rs, i) -> new StatusUpdate(rs.getLong("sequence"), Audience.valueOf(rs.getString("audience")),
                        rs.getString("text"), instant(rs, "published_at")),
                incidentId);
    }

    private List<IncidentLink> links(UUID incidentId) {
        return jdbc.query("""
                SELECT linked_incident_id AS other, 'OUTGOING' AS direction, relation, reason, linked_at
                FROM incident_link WHERE incident_id = ?
                UNION ALL
                SELECT incident_id AS other, 'INCOMING' AS direction, relation, reason, linked_at
                FROM incident_link WHERE linked_incident_id = ?
                ORDER BY linked_at, other""",
                (rs, i) -> new IncidentLink(rs.getObject("other", UUID.class),
                        LinkDirection.valueOf(rs.getString("direction")),
                        LinkRelation.valueOf(rs.getString("relation")), rs.getString("reason"),
                        instant(rs, "linked_at")),
                incidentId, incidentId);
    }

    private List<Correction> corrections(UUID incidentId) {
        return jdbc.query("""
                SELECT sequence, corrected_sequence, corrected_type, original_occurred_at, corrected_occurred_at,
                       reason, corrected_at
                FROM occurred_at_correction WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new Correction(rs.getLong("sequence"), rs.getLong("corrected_sequence"),
                        rs.getString("corrected_type"), instant(rs, "original_occurred_at"),
                        instant(rs, "corrected_occurred_at"), rs.getString("reason"), instant(rs, "corrected_at")),
                incidentId);
    }

    private List<ServiceChange> serviceChanges(UUID incidentId) {
        return jdbc.query("""
                SELECT service_id, state, at FROM service_history WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new ServiceChange(rs.getString("service_id"), ServiceState.valueOf(rs.getString("state")),
                        instant(rs, "at")),
                incidentId);
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
