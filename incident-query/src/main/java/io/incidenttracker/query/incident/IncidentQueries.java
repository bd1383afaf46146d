package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.incident.IncidentViews.AttackWave;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import io.incidenttracker.query.incident.IncidentViews.IncidentSummary;
import io.incidenttracker.query.incident.IncidentViews.ServiceStatus;
import io.incidenttracker.query.incident.IncidentViews.SystemStatus;
import io.incidenttracker.query.incident.IncidentViews.TimelineEntry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
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

    /** Newest first by opening time, optionally filtered. */
    public List<IncidentSummary> list(IncidentStatus status, Severity severity, int limit) {
        StringBuilder sql = new StringBuilder(
                "SELECT incident_id, title, status, severity, opened_at, version FROM incident WHERE TRUE");
        List<Object> args = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status.name());
        }
        if (severity != null) {
            sql.append(" AND severity = ?");
            args.add(severity.name());
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

    /** One incident with its waves, systems and services, read in one snapshot. */
    @Transactional(readOnly = true, isolation = org.springframework.transaction.annotation.Isolation.REPEATABLE_READ)
    public Optional<IncidentDetail> find(UUID incidentId) {
        List<IncidentDetail> found = jdbc.query("""
                SELECT incident_id, title, status, severity, opened_at, opened_by, version, last_occurred_at,
                       last_recorded_at
                FROM incident WHERE incident_id = ?""",
                (rs, i) -> new IncidentDetail(
                        rs.getObject("incident_id", UUID.class),
                        rs.getString("title"),
                        IncidentStatus.valueOf(rs.getString("status")),
                        Severity.valueOf(rs.getString("severity")),
                        instant(rs, "opened_at"),
                        rs.getString("opened_by"),
                        rs.getLong("version"),
                        instant(rs, "last_occurred_at"),
                        instant(rs, "last_recorded_at"),
                        attackWaves(incidentId),
                        systems(incidentId),
                        services(incidentId)),
                incidentId);
        return found.stream().findFirst();
    }

    /** The timeline in sequence order, or empty if the incident is unknown. */
    @Transactional(readOnly = true, isolation = org.springframework.transaction.annotation.Isolation.REPEATABLE_READ)
    public Optional<List<TimelineEntry>> timeline(UUID incidentId) {
        if (!exists(incidentId)) {
            return Optional.empty();
        }
        return Optional.of(jdbc.query("""
                SELECT sequence, type, occurred_at, recorded_at, actor, summary, event_id, correlation_id
                FROM timeline_entry WHERE incident_id = ? ORDER BY sequence""",
                (rs, i) -> new TimelineEntry(
                        rs.getLong("sequence"),
                        rs.getString("type"),
                        instant(rs, "occurred_at"),
                        instant(rs, "recorded_at"),
                        rs.getString("actor"),
                        rs.getString("summary"),
                        rs.getString("event_id"),
                        rs.getString("correlation_id")),
                incidentId));
    }

    private boolean exists(UUID incidentId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM incident WHERE incident_id = ?)", Boolean.class, incidentId));
    }

    private List<AttackWave> attackWaves(UUID incidentId) {
        return jdbc.query("""
                SELECT wave, attack_type, severity, description, detected_at, affected_systems, techniques
                FROM attack_wave WHERE incident_id = ? ORDER BY wave, sequence""",
                (rs, i) -> new AttackWave(
                        rs.getInt("wave"),
                        AttackType.valueOf(rs.getString("attack_type")),
                        rs.getString("severity") == null ? null : Severity.valueOf(rs.getString("severity")),
                        rs.getString("description"),
                        instant(rs, "detected_at"),
                        strings(rs.getArray("affected_systems")),
                        strings(rs.getArray("techniques"))),
                incidentId);
    }

    private List<SystemStatus> systems(UUID incidentId) {
        return jdbc.query("""
                SELECT system_id, state, since FROM incident_system WHERE incident_id = ? ORDER BY system_id""",
                (rs, i) -> new SystemStatus(
                        rs.getString("system_id"),
                        SystemState.valueOf(rs.getString("state")),
                        instant(rs, "since")),
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

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
