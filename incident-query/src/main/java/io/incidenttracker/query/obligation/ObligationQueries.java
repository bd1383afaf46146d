package io.incidenttracker.query.obligation;

import io.incidenttracker.query.incident.IncidentQueries;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import io.incidenttracker.query.obligation.ObligationViews.Obligation;
import io.incidenttracker.query.obligation.ObligationViews.ObligationState;
import io.incidenttracker.query.obligation.ObligationViews.ReportDraft;
import io.incidenttracker.query.obligation.ObligationViews.ReportField;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Reads the obligations, with their state and time left computed at the moment of the answer. */
@Component
public class ObligationQueries {

    private static final String SELECT = """
            SELECT o.*, i.title FROM obligation o JOIN incident i ON i.incident_id = o.incident_id
            """;
    private static final String ORDER = " ORDER BY o.due_at, o.incident_id, o.regime, o.clock";

    private final JdbcTemplate jdbc;
    private final IncidentQueries incidents;

    public ObligationQueries(JdbcTemplate jdbc, IncidentQueries incidents) {
        this.jdbc = jdbc;
        this.incidents = incidents;
    }

    /** The incident's obligations by due time; empty if the incident is unknown. */
    public Optional<List<Obligation>> forIncident(UUID incidentId, Instant now) {
        if (!incidentExists(incidentId)) {
            return Optional.empty();
        }
        return Optional.of(jdbc.query(SELECT + " WHERE o.incident_id = ?" + ORDER, mapper(now), incidentId));
    }

    /** Every incident's obligations by due time, optionally only those in one state now. */
    public List<Obligation> all(ObligationState state, int limit, Instant now) {
        String where = state == null ? "" : switch (state) {
            case OPEN -> " WHERE o.fulfilled_at IS NULL AND o.due_at > ?";
            case OVERDUE -> " WHERE o.fulfilled_at IS NULL AND o.due_at <= ?";
            case FULFILLED -> " WHERE o.fulfilled_at IS NOT NULL";
        };
        List<Object> arguments = new ArrayList<>();
        if (state == ObligationState.OPEN || state == ObligationState.OVERDUE) {
            arguments.add(now.atOffset(ZoneOffset.UTC));
        }
        arguments.add(limit);
        return jdbc.query(SELECT + where + ORDER + " LIMIT ?", mapper(now), arguments.toArray());
    }

    /**
     * The draft of the report a regime requires: its clocks on the incident and every field they require, filled
     * from the incident's facts or listed as missing. Empty if the incident is unknown or no clock of the regime runs
     * on it.
     */
    public Optional<ReportDraft> reportDraft(UUID incidentId, String regime, Instant now) {
        Optional<IncidentDetail> incident = incidents.find(incidentId);
        if (incident.isEmpty()) {
            return Optional.empty();
        }
        List<Obligation> clocks = jdbc.query(SELECT + " WHERE o.incident_id = ? AND upper(o.regime) = upper(?)"
                + ORDER, mapper(now), incidentId, regime);
        if (clocks.isEmpty()) {
            return Optional.empty();
        }
        Set<String> required = new LinkedHashSet<>();
        clocks.forEach(clock -> required.addAll(clock.reportFields()));
        List<ReportField> fields = ReportFields.fill(List.copyOf(required), incident.get());
        return Optional.of(new ReportDraft(incidentId, incident.get().title(), clocks.get(0).regime(),
                clocks.get(0).regimeName(), now, clocks, fields,
                fields.stream().filter(ReportField::missing).map(ReportField::field).toList()));
    }

    public boolean incidentExists(UUID incidentId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM incident WHERE incident_id = ?)", Boolean.class, incidentId));
    }

    private static RowMapper<Obligation> mapper(Instant now) {
        return (rs, row) -> {
            Instant dueAt = instant(rs, "due_at");
            Instant fulfilledAt = instant(rs, "fulfilled_at");
            ObligationState state = fulfilledAt != null ? ObligationState.FULFILLED
                    : now.isBefore(dueAt) ? ObligationState.OPEN : ObligationState.OVERDUE;
            Long notification = rs.getObject("notification_sequence", Long.class);
            return new Obligation(
                    rs.getObject("incident_id", UUID.class),
                    rs.getString("title"),
                    rs.getString("regime"),
                    rs.getString("regime_name"),
                    rs.getString("clock"),
                    rs.getString("clock_name"),
                    rs.getString("recipient"),
                    rs.getString("trigger_fact"),
                    instant(rs, "started_at"),
                    instant(rs, "warn_at"),
                    dueAt,
                    state,
                    rs.getObject("warned_at") != null,
                    rs.getObject("missed_at") != null,
                    fulfilledAt,
                    rs.getObject("fulfilled_late", Boolean.class),
                    notification,
                    state == ObligationState.OPEN ? Duration.between(now, dueAt).toString() : null,
                    state == ObligationState.OVERDUE ? Duration.between(dueAt, now).toString() : null,
                    strings(rs.getArray("report_fields")));
        };
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
