package io.incidenttracker.bench;

import io.incidenttracker.launcher.LocalDatabases;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's side of one command, statement by statement: with {@code BENCH_STATEMENTS=true} the throughput measures
 * read {@code pg_stat_statements} of the command database before and after each measured run and print, per command,
 * how often each statement ran and how long it took to execute. Needs the server to preload the module
 * ({@code shared_preload_libraries = 'pg_stat_statements'}); the extension is created in the command database only.
 * Off by default, and then it reads nothing.
 */
final class StatementProfile {

    /** One statement's counters at one moment. */
    private record Counters(String query, long calls, double millis, long rows) {
    }

    private final Map<Long, Counters> before;
    private final LocalDatabases.Database database;

    private StatementProfile(LocalDatabases.Database database, Map<Long, Counters> before) {
        this.database = database;
        this.before = before;
    }

    static boolean enabled() {
        return Boolean.parseBoolean(System.getenv("BENCH_STATEMENTS"));
    }

    /** Starts a reading, or null when profiling is off or the server does not preload the module. */
    static StatementProfile start(LocalDatabases.Database database) {
        if (!enabled()) {
            return null;
        }
        try (Connection connection = BenchContext.connect(database); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            return new StatementProfile(database, read(connection));
        } catch (SQLException e) {
            Console.step("statement profile unavailable: " + e.getMessage());
            return null;
        }
    }

    /** Prints the statements run since the start, per command, and writes them to {@code <label>.statements.txt}. */
    void report(String label, long commands, Path workDir) {
        try (Connection connection = BenchContext.connect(database)) {
            Map<Long, Counters> after = read(connection);
            List<Counters> spent = new ArrayList<>();
            after.forEach((id, now) -> {
                Counters then = before.getOrDefault(id, new Counters(now.query(), 0, 0, 0));
                if (now.calls() > then.calls()) {
                    spent.add(new Counters(now.query(), now.calls() - then.calls(), now.millis() - then.millis(),
                            now.rows() - then.rows()));
                }
            });
            spent.sort(Comparator.comparingDouble(Counters::millis).reversed());
            StringBuilder table = new StringBuilder();
            table.append(String.format(Locale.ROOT, "statements per %s (%,d commands)%n", label, commands));
            table.append(String.format(Locale.ROOT, "%8s %10s %8s  %s%n", "calls", "ms exec", "rows", "statement"));
            double callsTotal = 0;
            double millisTotal = 0;
            for (Counters c : spent) {
                callsTotal += c.calls();
                millisTotal += c.millis();
                table.append(String.format(Locale.ROOT, "%8.3f %10.4f %8.3f  %s%n", (double) c.calls() / commands,
                        c.millis() / commands, (double) c.rows() / commands, oneLine(c.query())));
            }
            table.append(String.format(Locale.ROOT, "%8.3f %10.4f %8s  (all statements)%n", callsTotal / commands,
                    millisTotal / commands, ""));
            System.out.print(table);
            Files.writeString(workDir.resolve(label.replace(' ', '-') + ".statements.txt"), table);
        } catch (Exception e) {
            Console.step("statement profile failed: " + e.getMessage());
        }
    }

    private static Map<Long, Counters> read(Connection connection) throws SQLException {
        Map<Long, Counters> counters = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT queryid, query, calls, total_exec_time, rows "
                     + "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                     + "WHERE datname = current_database())")) {
            while (rs.next()) {
                counters.put(rs.getLong(1), new Counters(rs.getString(2), rs.getLong(3), rs.getDouble(4),
                        rs.getLong(5)));
            }
        }
        return counters;
    }

    private static String oneLine(String query) {
        String line = query.replaceAll("\\s+", " ").trim();
        return line.length() > 140 ? line.substring(0, 137) + "..." : line;
    }
}
