package io.incidenttracker.query.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.consuming.IsoTimes;
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
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads the incident projection. Every read is one statement, which sees one snapshot by itself: none needs a
 * transaction of its own (no BEGIN and COMMIT round trips); inside a caller's (a replay's) they read its tables.
 */
@Repository
@Transactional(readOnly = true, propagation = Propagation.SUPPORTS)
public class IncidentQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * One incident with everything recorded about it, read by one statement, so in one snapshot and one round trip
     * to the database: the incident's row with each of its collections aggregated as a JSON array (in the order the
     * answer lists it) by an index scan of its table's primary key, which starts with the incident id.
     */
    public Optional<IncidentDetail> find(UUID incidentId) {
        return jdbc.query(DETAIL + " = ?", IncidentQueries::detail, incidentId).stream().findFirst();
    }

    /** The details of several incidents, each as {@link #find} reads it, with one statement; in no set order. */
    List<IncidentDetail> findAll(Collection<UUID> incidentIds) {
        return jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(DETAIL + " = ANY (?)");
            ps.setArray(1, con.createArrayOf("uuid", incidentIds.toArray()));
            return ps;
        }, IncidentQueries::detail);
    }

    private static IncidentDetail detail(ResultSet rs, int rowNum) throws SQLException {
        IncidentStatus status = IncidentStatus.valueOf(rs.getString("status"));
        List<AttackWave> waves = rows(rs, "attack_waves", IncidentQueries::attackWave);
        List<StatusChange> statusHistory = rows(rs, "status_history", row -> new StatusChange(
                row.get("sequence").asLong(), IncidentStatus.valueOf(text(row, "status")), instant(row, "at"),
                text(row, "note")));
        Instant openedAt = instant(rs, "opened_at");
        JsonNode closure = json(rs, "closure");
        List<DataImpactAssessment> dataImpact = rows(rs, "data_impact", IncidentQueries::dataImpactAssessment);
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
                rows(rs, "systems", row -> new SystemStatus(
                        text(row, "system_id"), SystemState.valueOf(text(row, "state")), instant(row, "since"),
                        text(row, "isolation_reason"),
                        row.get("isolation_method").isNull() ? null
                                : IsolationMethod.valueOf(text(row, "isolation_method")))),
                rows(rs, "services", row -> new ServiceStatus(
                        text(row, "service_id"), ServiceState.valueOf(text(row, "state")), instant(row, "since"),
                        text(row, "description"))),
                rs.getString("commander_id"),
                currentSince(status, statusHistory, IncidentStatus.CONTAINED),
                currentSince(status, statusHistory, IncidentStatus.RESOLVED),
                closure == null ? null
                        : new Closure(instant(closure, "at"), text(closure, "note"), text(closure, "waiver_reason")),
                statusHistory,
                rows(rs, "severity_history", row -> new SeverityChange(
                        row.get("sequence").asLong(), Severity.valueOf(text(row, "severity")), instant(row, "at"),
                        text(row, "reason"))),
                rows(rs, "forensic_analyses", row -> new ForensicAnalysis(
                        text(row, "analysis_id"), text(row, "scope"), instant(row, "started_at"),
                        instant(row, "concluded_at"), text(row, "conclusion"),
                        rows(row.get("findings"), finding -> new ForensicFinding(
                                finding.get("sequence").asLong(), instant(finding, "found_at"),
                                strings(finding, "techniques"), strings(finding, "indicators"),
                                text(finding, "text"))))),
                new DataImpact(dataImpact.isEmpty() ? null : dataImpact.get(dataImpact.size() - 1), dataImpact),
                rows(rs, "notifications", row -> new AuthorityNotification(
                        row.get("sequence").asLong(), text(row, "authority"), text(row, "regime"),
                        text(row, "reference"), text(row, "summary"), instant(row, "notified_at"))),
                rows(rs, "status_updates", row -> new StatusUpdate(
                        row.get("sequence").asLong(), Audience.valueOf(text(row, "audience")),
                        text(row, "text"), instant(row, "published_at"))),
                rows(rs, "links", row -> new IncidentLink(
                        UUID.fromString(text(row, "other")), LinkDirection.valueOf(text(row, "direction")),
                        LinkRelation.valueOf(text(row, "relation")), text(row, "reason"),
                        instant(row, "linked_at"))),
                rows(rs, "corrections", row -> new Correction(
                        row.get("sequence").asLong(), row.get("corrected_sequence").asLong(),
                        text(row, "corrected_type"), instant(row, "original_occurred_at"),
                        instant(row, "corrected_occurred_at"), text(row, "reason"), instant(row, "corrected_at"))),
                ResponseMetricsCalculator.calculate(status, openedAt, waves, statusHistory,
                        rows(rs, "service_changes", row -> new ServiceChange(
                                text(row, "service_id"), ServiceState.valueOf(text(row, "state")),
                                instant(row, "at")))));
    }

    /**
     * The detail's statement. Each collection is a JSON array of objects whose fields are the table's columns, in
     * the order of the answer; absent when the incident has none. Instants travel as ISO-8601 text with an offset.
     */
    private static final String DETAIL = """
            SELECT i.incident_id, i.title, i.status, i.severity, i.opened_at, i.opened_by, i.version,
                   i.last_occurred_at, i.last_recorded_at, i.commander_id,
                   (SELECT json_agg(json_build_object(
                               'wave', wave, 'attack_type', attack_type, 'severity', severity,
                               'description', description, 'detected_at', detected_at,
                               'affected_systems', affected_systems, 'techniques', techniques,
                               'first_activity_at', first_activity_at, 'first_activity_basis', first_activity_basis)
                           ORDER BY wave, sequence)
                    FROM attack_wave WHERE incident_id = i.incident_id) AS attack_waves,
                   (SELECT json_agg(json_build_object(
                               'system_id', system_id, 'state', state, 'since', since,
                               'isolation_reason', isolation_reason, 'isolation_method', isolation_method)
                           ORDER BY system_id)
                    FROM incident_system WHERE incident_id = i.incident_id) AS systems,
                   (SELECT json_agg(json_build_object(
                               'service_id', service_id, 'state', state, 'since', since, 'description', description)
                           ORDER BY service_id)
                    FROM incident_service WHERE incident_id = i.incident_id) AS services,
                   (SELECT json_agg(json_build_object('sequence', sequence, 'status', status, 'at', at, 'note', note)
                           ORDER BY sequence)
                    FROM status_change WHERE incident_id = i.incident_id) AS status_history,
                   CASE WHEN i.status = 'CLOSED' THEN
                       (SELECT json_build_object('at', at, 'note', note, 'waiver_reason', waiver_reason)
                        FROM status_change WHERE incident_id = i.incident_id AND status = 'CLOSED'
                        ORDER BY sequence DESC LIMIT 1)
                   END AS closure,
                   (SELECT json_agg(json_build_object('sequence', sequence, 'severity', severity, 'at', at,
                                                      'reason', reason)
                           ORDER BY sequence)
                    FROM severity_change WHERE incident_id = i.incident_id) AS severity_history,
                   (SELECT json_agg(json_build_object(
                               'analysis_id', a.analysis_id, 'scope', a.scope, 'started_at', a.started_at,
                               'concluded_at', a.concluded_at, 'conclusion', a.conclusion,
                               'findings', (SELECT json_agg(json_build_object(
                                                       'sequence', f.sequence, 'found_at', f.found_at,
                                                       'techniques', f.techniques, 'indicators', f.indicators,
                                                       'text', f.text)
                                                   ORDER BY f.sequence)
                                            FROM forensic_finding f
                                            WHERE f.incident_id = a.incident_id AND f.analysis_id = a.analysis_id))
                           ORDER BY a.started_sequence)
                    FROM forensic_analysis a WHERE a.incident_id = i.incident_id) AS forensic_analyses,
                   (SELECT json_agg(json_build_object(
                               'sequence', sequence, 'revision', revision, 'personal_data', personal_data,
                               'data_categories', data_categories, 'estimated_people', estimated_people,
                               'exfiltration', exfiltration, 'encryption', encryption, 'rationale', rationale,
                               'assessed_at', assessed_at)
                           ORDER BY sequence)
                    FROM data_impact_assessment WHERE incident_id = i.incident_id) AS data_impact,
                   (SELECT json_agg(json_build_object(
                               'sequence', sequence, 'authority', authority, 'regime', regime, 'reference', reference,
                               'summary', summary, 'notified_at', notified_at)
                           ORDER BY notified_at, sequence)
                    FROM authority_notification WHERE incident_id = i.incident_id) AS notifications,
                   (SELECT json_agg(json_build_object(
                               'sequence', sequence, 'audience', audience, 'text', text, 'published_at', published_at)
                           ORDER BY published_at, sequence)
                    FROM status_update WHERE incident_id = i.incident_id) AS status_updates,
                   (SELECT json_agg(json_build_object(
                               'other', other, 'direction', direction, 'relation', relation, 'reason', reason,
                               'linked_at', linked_at)
                           ORDER BY linked_at, other)
                    FROM (SELECT linked_incident_id AS other, 'OUTGOING' AS direction, relation, reason, linked_at
                          FROM incident_link WHERE incident_id = i.incident_id
                          UNION ALL
                          SELECT incident_id AS other, 'INCOMING' AS direction, relation, reason, linked_at
                          FROM incident_link WHERE linked_incident_id = i.incident_id) l) AS links,
                   (SELECT json_agg(json_build_object(
                               'sequence', sequence, 'corrected_sequence', corrected_sequence,
                               'corrected_type', corrected_type, 'original_occurred_at', original_occurred_at,
                               'corrected_occurred_at', corrected_occurred_at, 'reason', reason,
                               'corrected_at', corrected_at)
                           ORDER BY sequence)
                    FROM occurred_at_correction WHERE incident_id = i.incident_id) AS corrections,
                   (SELECT json_agg(json_build_object('service_id', service_id, 'state', state, 'at', at)
                           ORDER BY sequence)
                    FROM service_history WHERE incident_id = i.incident_id) AS service_changes
            FROM incident i WHERE i.incident_id""";

    /** The response metrics of one incident, or empty if it is unknown. */
    public Optional<ResponseMetrics> metrics(UUID incidentId) {
        return find(incidentId).map(IncidentDetail::metrics);
    }

    /** The timeline in sequence order, or empty if the incident is unknown; one statement, so one snapshot. */
    public Optional<List<TimelineEntry>> timeline(UUID incidentId) {
        List<TimelineEntry> entries = new ArrayList<>();
        boolean known = Boolean.TRUE.equals(jdbc.query("""
                SELECT t.sequence, t.type, t.occurred_at, t.recorded_at, t.actor, t.summary, t.event_id,
                       t.correlation_id, t.corrected_occurred_at, t.corrected_by_sequence
                FROM incident i LEFT JOIN timeline_entry t ON t.incident_id = i.incident_id
                WHERE i.incident_id = ? ORDER BY t.sequence""",
                rs -> {
                    boolean any = false;
                    while (rs.next()) {
                        any = true;
                        if (rs.getObject("sequence") != null) {
                            entries.add(new TimelineEntry(
                                    rs.getLong("sequence"),
                                    rs.getString("type"),
                                    instant(rs, "occurred_at"),
                                    instant(rs, "recorded_at"),
                                    rs.getString("actor"),
                                    rs.getString("summary"),
                                    rs.getString("event_id"),
                                    rs.getString("correlation_id"),
                                    instant(rs, "corrected_occurred_at"),
                                    rs.getObject("corrected_by_sequence", Long.class)));
                        }
                    }
                    return any;
                },
                incidentId));
        return known ? Optional.of(entries) : Optional.empty();
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

    private static AttackWave attackWave(JsonNode row) {
        return new AttackWave(
                row.get("wave").asInt(),
                AttackType.valueOf(text(row, "attack_type")),
                row.get("severity").isNull() ? null : Severity.valueOf(text(row, "severity")),
                text(row, "description"),
                instant(row, "detected_at"),
                strings(row, "affected_systems"),
                strings(row, "techniques"),
                instant(row, "first_activity_at"),
                text(row, "first_activity_basis"));
    }

    private static DataImpactAssessment dataImpactAssessment(JsonNode row) {
        return new DataImpactAssessment(
                row.get("sequence").asLong(),
                row.get("revision").asInt(),
                Certainty.valueOf(text(row, "personal_data")),
                strings(row, "data_categories"),
                row.get("estimated_people").isNull() ? null : row.get("estimated_people").asLong(),
                Certainty.valueOf(text(row, "exfiltration")),
                Certainty.valueOf(text(row, "encryption")),
                text(row, "rationale"),
                instant(row, "assessed_at"));
    }

    /** A JSON column; null when SQL NULL. */
    private static JsonNode json(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable JSON in column " + column, e);
        }
    }

    /** The rows of a JSON array column, each mapped; empty when SQL NULL (no rows). */
    private static <T> List<T> rows(ResultSet rs, String column, Function<JsonNode, T> mapper) throws SQLException {
        return rows(json(rs, column), mapper);
    }

    private static <T> List<T> rows(JsonNode array, Function<JsonNode, T> mapper) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        List<T> rows = new ArrayList<>(array.size());
        for (JsonNode row : array) {
            rows.add(mapper.apply(row));
        }
        return rows;
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A text array column as a list; empty when NULL. */
    private static List<String> strings(JsonNode row, String field) {
        return rows(row.get(field), JsonNode::asText);
    }

    /** An instant as PostgreSQL writes a timestamptz in JSON: ISO-8601 with an offset. */
    private static Instant instant(JsonNode row, String field) {
        String value = text(row, field);
        return value == null ? null : IsoTimes.instant(value);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
