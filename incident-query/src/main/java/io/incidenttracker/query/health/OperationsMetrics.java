package io.incidenttracker.query.health;

import io.incidenttracker.query.audit.LedgerTree;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The query service's gauges for the operations dashboard (deploy/grafana) and its alerts, read when scraped:
 * <ul>
 *   <li>{@code incident.audit.ledger.size}: entries in the audit ledger;</li>
 *   <li>{@code incident.audit.checkpoint.age} (seconds): since the latest checkpoint was signed (NaN before the
 *       first); it grows while the ledger does not, so alert on it together with the commands' rate;</li>
 *   <li>{@code incident.obligations.open} with tag {@code due}: unfulfilled regulatory obligations,
 *       {@code overdue} (past their deadline), {@code within24h}, {@code later}.</li>
 * </ul>
 * The projection's delay is measured per event by {@code EventLogContext} ({@code incident.projection.delay}).
 */
@Component
public class OperationsMetrics {

    private final JdbcTemplate jdbc;

    public OperationsMetrics(JdbcTemplate jdbc, LedgerTree ledger, MeterRegistry meterRegistry) {
        this.jdbc = jdbc;
        Gauge.builder("incident.audit.ledger.size", ledger, LedgerTree::size)
                .description("Entries in the audit ledger")
                .baseUnit("entries")
                .register(meterRegistry);
        Gauge.builder("incident.audit.checkpoint.age", this, OperationsMetrics::checkpointAgeSeconds)
                .description("Seconds since the latest audit checkpoint was signed")
                .baseUnit("seconds")
                .register(meterRegistry);
        for (String due : new String[] {"overdue", "within24h", "later"}) {
            Gauge.builder("incident.obligations.open", this, metrics -> metrics.openObligations(due))
                    .description("Regulatory obligations not yet fulfilled, by when they are due")
                    .tag("due", due)
                    .register(meterRegistry);
        }
    }

    private double checkpointAgeSeconds() {
        Double age = jdbc.queryForObject(
                "SELECT extract(epoch FROM clock_timestamp() - max(signed_at))::float8 FROM audit_checkpoint",
                Double.class);
        return age == null ? Double.NaN : age;
    }

    private double openObligations(String due) {
        String window = switch (due) {
            case "overdue" -> "due_at <= now()";
            case "within24h" -> "due_at > now() AND due_at <= now() + interval '24 hours'";
            default -> "due_at > now() + interval '24 hours'";
        };
        Long count = jdbc.queryForObject("SELECT count(*) FROM obligation WHERE fulfilled_at IS NULL AND " + window,
                                         Long.class);
        return count == null ? 0 : count;
    }
}
