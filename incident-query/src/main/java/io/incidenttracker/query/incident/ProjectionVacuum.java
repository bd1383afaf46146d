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
 * after a catch-up (a rebuild, a backlog), before {@link DetailRenderer} renders the details it marked pending.
 * <p>
 * A catch-up changes the tables in bulk: the incident's row, its systems and services are updated once per event, so
 * a rebuild of a million events leaves hundreds of thousands of dead row versions that every read of those tables
 * steps over until a vacuum removes them, and statistics that describe the empty tables of the reset. Autovacuum gets
 * to them in its own time (or never: a server may run with it off); the pass reads every incident's rows right
 * away. So the pass first calls {@link #run}: every table of the projection is analysed, and those whose dead
 * rows pass autovacuum's default threshold (50 plus a fifth of the live rows) are vacuumed as well. It runs outside
 * any transaction (as {@code VACUUM} must) and takes PostgreSQL's share-update-exclusive lock, which the projection's
 * writes and the reads do not wait for (a reset's {@code TRUNCATE} and a background rebuild's swap do). Tables the
 * service's database user may not maintain (a deployment where another role owns them) are left to autovacuum, and
 * the log says so once.
 */
@Component
public class ProjectionVacuum {

    private static final Logger log = LoggerFactory.getLogger(ProjectionVacuum.class);

    /** Autovacuum's defaults: {@code autovacuum_vacuum_threshold} and {@code autovacuum_vacuum_scale_factor}. */
    static final long DEAD_ROWS_BASE = 50;
    static final double DEAD_ROWS_SCALE = 0.2;

    private final JdbcTemplate jdbc;
    private final Timer timer;
    /** Whether the log has said once that some tables are not this user's to maintain. */
    private volatile boolean toldNotOwned;

    public ProjectionVacuum(JdbcTemplate jdbc, MeterRegistry meterRegistry) {
        this.jdbc = jdbc;
        this.timer = Timer.builder("incident.projection.vacuum")
                .description("Analyses (and vacuums where dead rows call for it) of the incident projection's "
                                     + "tables before a pass over pending details")
                .register(meterRegistry);
    }

    /** Whether a table with these counts has as many dead rows as autovacuum's default threshold calls a vacuum for. */
    static boolean needsVacuum(long deadRows, long liveRows) {
        return deadRows > DEAD_ROWS_BASE + DEAD_ROWS_SCALE * liveRows;
    }

    /**
     * Analyses every table of the projection that this user may maintain and vacuums those with dead rows past the
     * threshold. Must not be called inside a transaction.
     */
    public Maintained run() {
        return timer.record(() -> {
            List<String> vacuumed = new ArrayList<>();
            List<String> analysedOnly = new ArrayList<>();
            List<String> notOwned = new ArrayList<>();
            // only the tables this user may maintain: PostgreSQL would skip the others with a warning nobody reads
            jdbc.query("""
                               SELECT c.relname, s.n_dead_tup, s.n_live_tup,
                                      pg_has_role(current_user, c.relowner, 'USAGE') AS maintainable
                               FROM unnest(?::text[]) AS t(name)
                               JOIN pg_class c ON c.oid = to_regclass(t.name)
                               JOIN pg_stat_user_tables s ON s.relid = c.oid
                               ORDER BY c.relname""",
                       rs -> {
                           String table = rs.getString(1);
                           if (!rs.getBoolean(4)) {
                               notOwned.add(table);
                           } else if (needsVacuum(rs.getLong(2), rs.getLong(3))) {
                               vacuumed.add(table);
                           } else {
                               analysedOnly.add(table);
                           }
                       }, (Object) ProjectionTable.sqlNames().toArray(String[]::new));
            if (!notOwned.isEmpty() && !toldNotOwned) {
                toldNotOwned = true;
                log.info("The query service's database user may not vacuum or analyse {} of the incident "
                                 + "projection's tables ({}): autovacuum keeps them (it must be on)",
                         notOwned.size(), notOwned);
            }
            // TRUNCATE false: no exclusive lock at the end to give empty pages back (a reset's TRUNCATE waits anyway)
            if (!vacuumed.isEmpty()) {
                jdbc.execute("VACUUM (ANALYZE, TRUNCATE false) " + quoted(vacuumed));
            }
            if (!analysedOnly.isEmpty()) {
                jdbc.execute("ANALYZE " + quoted(analysedOnly));
            }
            return new Maintained(vacuumed, vacuumed.size() + analysedOnly.size());
        });
    }

    /** What a call did: the tables it vacuumed, and how many it analysed (those vacuumed included). */
    public record Maintained(List<String> vacuumed, int analysed) {
    }

    /** Runs {@link #run} and logs what it did; a failure is logged and swallowed (the pass goes on). */
    void runLogged() {
        long start = System.nanoTime();
        try {
            Maintained maintained = run();
            if (maintained.analysed() > 0) {
                log.info("Incident projection after a catch-up: analysed {} tables, vacuumed {} in {} ms",
                         maintained.analysed(), maintained.vacuumed().isEmpty() ? "none" : maintained.vacuumed(),
                         (System.nanoTime() - start) / 1_000_000);
            }
        } catch (RuntimeException e) {
            log.warn("Incident projection after a catch-up: analysing and vacuuming its tables failed; the details "
                             + "are rendered without it", e);
        }
    }

    private static String quoted(List<String> tables) {
        // the names are the projection's own (ProjectionTable), never input
        return tables.stream().map(table -> '"' + table + '"').collect(Collectors.joining(", "));
    }
}
