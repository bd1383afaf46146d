package io.incidenttracker.bench;

import io.incidenttracker.launcher.LocalDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PostgreSQL's floor for what a rebuild stores: the CPU one session spends writing every row of a database's tables
 * once more, with one {@code INSERT ... SELECT} per table into an empty copy that has the table's indexes, checks and
 * defaults (not its triggers or foreign keys), logged like the table. No client, no parameters, no statement per
 * batch, no row written twice: the least the server can spend to store those rows with those indexes. Reading the
 * rows back is included, so the floor is a little high, never low.
 * <p>
 * Set beside PostgreSQL's CPU per event in the rebuild, it says how much of that is the rows themselves and how much
 * is the way they were written (statements, parameters, round trips, rows updated many times before their last
 * value). The copies are dropped as soon as each is measured. The session's CPU is read from {@code /proc}, so the
 * server must run on this machine; where it cannot be read the floor is not measured.
 */
final class PostgresFloor {

    /** The prefix of the copies; a table already named so is not copied again. */
    static final String COPY_PREFIX = "floor_copy_of_";

    /** What writing the rows once cost: rows in all, the session's CPU in ms, and both per table, largest first. */
    record Result(long rows, double cpuMillis, Map<String, Table> byTable) {

        double cpuMillisPerRow() {
            return rows == 0 ? Double.NaN : cpuMillis / rows;
        }
    }

    /** One table's rows and the CPU their copy took, ms. */
    record Table(long rows, double cpuMillis) {
    }

    private PostgresFloor() {
    }

    /**
     * Measures the floor of every table of the database's current schema but Flyway's history. Empty if the server's
     * session cannot be timed from this machine.
     */
    static Optional<Result> measure(LocalDatabases.Database database) throws SQLException {
        try (Connection connection = BenchContext.connect(database);
             Statement statement = connection.createStatement()) {
            long backend;
            try (ResultSet pid = statement.executeQuery("SELECT pg_backend_pid()")) {
                pid.next();
                backend = pid.getLong(1);
            }
            if (Double.isNaN(CpuTime.ofProcess(backend))) {
                return Optional.empty();
            }
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery("""
                    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema() AND c.relkind = 'r'
                      AND c.relname <> 'flyway_schema_history' AND left(c.relname, %d) <> '%s'
                    ORDER BY pg_total_relation_size(c.oid) DESC, c.relname""".formatted(
                    COPY_PREFIX.length(), COPY_PREFIX))) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            Map<String, Table> byTable = new LinkedHashMap<>();
            long rows = 0;
            double cpu = 0;
            for (String table : tables) {
                String copy = quote(COPY_PREFIX + table);
                statement.execute("DROP TABLE IF EXISTS " + copy);
                statement.execute("CREATE TABLE " + copy + " (LIKE " + quote(table)
                        + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
                try {
                    double before = CpuTime.ofProcess(backend);
                    long copied = statement.executeUpdate("INSERT INTO " + copy + " SELECT * FROM " + quote(table));
                    double spent = CpuTime.ofProcess(backend) - before;
                    byTable.put(table, new Table(copied, spent));
                    rows += copied;
                    cpu += spent;
                } finally {
                    statement.execute("DROP TABLE " + copy);
                }
            }
            return Optional.of(new Result(rows, cpu, byTable));
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
