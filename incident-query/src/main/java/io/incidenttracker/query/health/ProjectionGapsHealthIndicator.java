package io.incidenttracker.query.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DOWN while any incident waits for a missing event: for each, the sequence the projection expects next and the
 * lowest one it holds parked. Read from the projection's own tables, so it survives restarts and clears itself as
 * soon as the incident moves on.
 */
@Component("projectionGapsHealthIndicator")
public class ProjectionGapsHealthIndicator extends AbstractHealthIndicator {

    private static final int MAX_LISTED = 20;

    private final JdbcTemplate jdbc;

    public ProjectionGapsHealthIndicator(JdbcTemplate jdbc, MeterRegistry meterRegistry) {
        super("Projection gap check failed");
        this.jdbc = jdbc;
        // Survives restarts, unlike the gap counter: alert on any value above zero.
        Gauge.builder("incident.projection.parked", this, ProjectionGapsHealthIndicator::parkedEvents)
                .description("Incident events waiting for a missing predecessor")
                .register(meterRegistry);
    }

    private double parkedEvents() {
        Long parked = jdbc.queryForObject("SELECT count(*) FROM pending_event", Long.class);
        return parked == null ? 0 : parked;
    }

    /**
     * Two statements of one table each, never one joining both: a statement that holds a lock on one table while it
     * waits for the other could deadlock with a projection reset, which truncates them in the other order.
     */
    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<Map<String, Object>> gaps = jdbc.query("""
                SELECT incident_id, MIN(sequence) AS received, COUNT(*) AS parked, MIN(parked_at) AS since
                FROM pending_event
                GROUP BY incident_id
                ORDER BY since
                LIMIT ?""",
                (rs, i) -> {
                    Map<String, Object> gap = new LinkedHashMap<>();
                    gap.put("incidentId", rs.getString("incident_id"));
                    gap.put("expectedSequence", 0L);
                    gap.put("receivedSequence", rs.getLong("received"));
                    gap.put("parkedEvents", rs.getLong("parked"));
                    gap.put("since", rs.getTimestamp("since").toInstant().toString());
                    return gap;
                }, MAX_LISTED);
        if (gaps.isEmpty()) {
            builder.up();
            return;
        }
        Map<String, Long> versions = new HashMap<>();
        jdbc.query("SELECT incident_id, version FROM incident WHERE incident_id = ANY (?::uuid[])",
                rs -> {
                    versions.put(rs.getString("incident_id"), rs.getLong("version"));
                },
                (Object) gaps.stream().map(gap -> (String) gap.get("incidentId")).toArray(String[]::new));
        for (Map<String, Object> gap : gaps) {
            Long version = versions.get((String) gap.get("incidentId"));
            gap.put("expectedSequence", version == null ? 0L : version + 1);
        }
        builder.down().withDetail("gaps", gaps);
    }
}
