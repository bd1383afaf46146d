package io.incidenttracker.query.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

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

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<Map<String, Object>> gaps = jdbc.query("""
                SELECT p.incident_id, COALESCE(i.version + 1, 0) AS expected, MIN(p.sequence) AS received,
                       COUNT(*) AS parked, MIN(p.parked_at) AS since
                FROM pending_event p LEFT JOIN incident i ON i.incident_id = p.incident_id
                GROUP BY p.incident_id, i.version
                ORDER BY since
                LIMIT ?""",
                (rs, i) -> {
                    Map<String, Object> gap = new LinkedHashMap<>();
                    gap.put("incidentId", rs.getString("incident_id"));
                    gap.put("expectedSequence", rs.getLong("expected"));
                    gap.put("receivedSequence", rs.getLong("received"));
                    gap.put("parkedEvents", rs.getLong("parked"));
                    gap.put("since", rs.getTimestamp("since").toInstant().toString());
                    return gap;
                }, MAX_LISTED);
        if (gaps.isEmpty()) {
            builder.up();
        } else {
            builder.down().withDetail("gaps", gaps);
        }
    }
}
