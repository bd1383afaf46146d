package io.incidenttracker.bench;

import io.incidenttracker.launcher.LocalDatabases;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time consumed, in milliseconds, read from the operating system. Divided by the operations of a run it gives the
 * CPU cost of one operation, a figure far less sensitive to what else the machine is doing than a throughput.
 */
final class CpuTime {

    /** Linux reports process times in clock ticks of 1/100 s on every common platform. */
    private static final double MILLIS_PER_TICK = 10.0;

    private CpuTime() {
    }

    /** User and system CPU time of one process, or NaN where /proc cannot tell. */
    static double ofProcess(long pid) {
        try {
            return millis(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The user and system CPU time in a {@code stat} line of /proc (a process's or a thread's). */
    private static double millis(String stat) {
        // the fields after the command name, which is in parentheses and may itself contain spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK;
    }

    /**
     * The CPU time of each JIT compiler thread of one JVM ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}), by
     * thread id, added to {@code into}; nothing where /proc cannot tell. While it grows, that JVM still runs code not
     * yet compiled. HotSpot may stop a compiler thread that has been idle (with more than two cores), and a stopped
     * thread's time is gone: compare two readings thread by thread ({@link #spentSince}), not as sums.
     */
    static void ofCompilerThreads(long pid, Map<Long, Double> into) {
        try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String stat;
                try {
                    stat = Files.readString(thread.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                // the thread's name as the kernel keeps it (15 characters), between parentheses
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    into.put(Long.parseLong(thread.getFileName().toString()), millis(stat));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended, or this is not Linux: no threads to add
        }
    }

    /**
     * The CPU time spent between two readings of threads by id: each thread's increase, and the whole time of threads
     * that started in between. A thread that ended in between loses what it spent since the first reading, so this
     * is a lower bound, never negative.
     */
    static double spentSince(Map<Long, Double> before, Map<Long, Double> now) {
        double spent = 0;
        for (Map.Entry<Long, Double> thread : now.entrySet()) {
            spent += thread.getValue() - before.getOrDefault(thread.getKey(), 0.0);
        }
        return spent;
    }

    /** This JVM's CPU time. */
    static double ofThisJvm() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e6;
    }

    /** The CPU time of each PostgreSQL server process (postmaster, backends, background workers) now running. */
    static Map<Long, Double> ofPostgres() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            Map<Long, Double> times = new HashMap<>();
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(CpuTime::isPostgres)
                    .forEach(p -> {
                        long pid = Long.parseLong(p.getFileName().toString());
                        double time = ofProcess(pid);
                        if (!Double.isNaN(time)) {
                            times.put(pid, time);
                        }
                    });
            return times;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /**
     * The PostgreSQL CPU time spent between two readings: by the processes alive at both, and all of the processes
     * started in between. Time of processes that ended in between is lost, so this is a lower bound.
     */
    static double postgresSince(Map<Long, Double> before) {
        double spent = 0;
        for (Map.Entry<Long, Double> now : ofPostgres().entrySet()) {
            spent += now.getValue() - before.getOrDefault(now.getKey(), 0.0);
        }
        return spent;
    }

    /**
     * The PostgreSQL CPU time spent between two readings by the sessions connected to {@code database} (by
     * {@code pg_stat_activity} at the end: pools keep their sessions, so these were alive at both readings). The rest
     * of {@link #postgresSince} is the other databases' sessions (the query service's projections) and the server's
     * own processes (WAL writer, checkpointer).
     */
    static double postgresSince(Map<Long, Double> before, LocalDatabases.Database database) {
        Map<Long, Double> now = ofPostgres();
        double spent = 0;
        try (Connection connection = BenchContext.connect(database);
             Statement statement = connection.createStatement();
             ResultSet sessions = statement.executeQuery(
                     "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            while (sessions.next()) {
                long pid = sessions.getLong(1);
                if (now.containsKey(pid)) {
                    spent += now.get(pid) - before.getOrDefault(pid, 0.0);
                }
            }
        } catch (SQLException e) {
            return Double.NaN;
        }
        return spent;
    }

    private static boolean isPostgres(Path process) {
        try {
            return Files.readString(process.resolve("comm")).trim().startsWith("postgres");
        } catch (IOException e) {
            return false;
        }
    }
}
