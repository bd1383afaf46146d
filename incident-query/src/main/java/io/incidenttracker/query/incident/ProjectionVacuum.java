package io.incidenttracker.query.incident;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Brings the incident projection's tables to what autovacuum would have made of them, at the one moment it matters:
 * after a catch-up (a rebuild, a backlog), before {@link DocumentBackfill} renders the details it dropped.
 * <p>
 * A catch-up changes the tables in bulk: the incident's row, its systems and services are updated once per event, so
 * a rebuild of a million events leaves hundreds of thousands of dead row versions that every read of those tables
 * steps over until a vacuum removes them, and statistics that describe the empty tables of the reset. Autovacuum gets
 * to them in its own time (or never: a server may run with it off); the backfill reads every incident's rows right
 * away. So the backfill first calls {@link #run}: every table of the projection is analysed, and those whose dead
 * rows pass autovacuum's default threshold (50 plus a fifth of the live rows) are vacuumed as well. It runs outside
 * any transaction (as {@code VACUUM} must), takes no lock that stops the projection or the reads, and where the
 * service's database user does not own a table PostgreSQL skips it with a warning.
 */
@Component
public class ProjectionVacuum {

    private static final Logger log = LoggerFactory.getLogger(ProjectionVacuum.class);

    /** Autovacuum's defaults: {@code autovacuum_vacuum_threshold} and {@code autovacuum_vacuum_scale_factor}. */
    static final long DEAD_ROWS_BASE = 50;
    static final double DEAD_ROWS_SCALE = 0.2;

    private final JdbcTemplate jdbc;
    private final Timer timer;

    public ProjectionVacuum(JdbcTemplate jdbc, MeterRegistry meterRegistry) {
        this.jdbc = jdbc;
        this.timer = Timer.builder("incident.projection.vacuum")
                .description("Analyses (and vacuums where dead rows call for it) of the incident projection's "
                                     + "tables before a backfill")
                .register(meterRegistry);
    }

    /** Whether a table with these counts has as many dead rows as autovacuum's default threshold calls a vacuum for. */
    static boolean needsVacuum(long deadRows, long liveRows) {
        return deadRows > DEAD_ROWS_BASE + DEAD_ROWS_SCALE * liveRows;
    }

    /**
     * Analyses every table of the projection and vacuums those with dead rows past the threshold; returns the tables
     * vacuumed. Must not be called inside a transaction.
     */
    public List<String> run() {
        return timer.record(() -> {
            List<String> tables = ProjectionTable.sqlNames();
            List<String> vacuumed = new ArrayList<>();
            jdbc.query("""
                               SELECT s.relname, s.n_dead_tup, s.n_live_tup FROM pg_stat_user_tables s
                               JOIN unnest(?::text[]) AS t(name) ON s.relid = to_regclass(t.name)
                               ORDER BY s.relname""",
                       rs -> {
                           if (needsVacuum(rs.getLong(2), rs.getLong(3))) {
                               vacuumed.add(rs.getString(1));
                           }
                       }, (Object) tables.toArray(String[]::new));
            List<String> analysedOnly = tables.stream().filter(table -> !vacuumed.contains(table)).toList();
            if (!vacuumed.isEmpty()) {
                jdbc.execute("VACUUM (ANALYZE) " + quoted(vacuumed));
            }
            if (!analysedOnly.isEmpty()) {
                jdbc.execute("ANALYZE " + quoted(analysedOnly));
            }
            return vacuumed;
        });
    }

    /** Runs {@link #run} and logs what it did; a failure is logged and swallowed (the backfill goes on). */
    List<String> runLogged() {
        long start = System.nanoTime();
        try {
            List<String> vacuumed = run();
            log.info("Incident projection after a catch-up: analysed its {} tables, vacuumed {} in {} ms",
                     ProjectionTable.values().length, vacuumed.isEmpty() ? "none" : vacuumed,
                     (System.nanoTime() - start) / 1_000_000);
            return vacuumed;
        } catch (RuntimeException e) {
            log.warn("Incident projection after a catch-up: analysing and vacuuming its tables failed; the details "
                             + "are rendered without it", e);
            return List.of();
        }
    }

    private static String quoted(List<String> tables) {
        // the names are the projection's own (ProjectionTable), never input
        return tables.stream().map(table -> '"' + table + '"').collect(Collectors.joining(", "));
    }
}
