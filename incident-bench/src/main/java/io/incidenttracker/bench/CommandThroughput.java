package io.incidenttracker.bench;

import static io.incidenttracker.bench.Figures.fmt;
import static io.incidenttracker.bench.Figures.median;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows both command measures report the same way: throughput and latency against every pgbench run so far
 * (medians over the runs), and the CPU one command costs the process named and PostgreSQL.
 */
final class CommandThroughput {

    private CommandThroughput() {
    }

    /**
     * Commands/s, p50 and p99 of the runs beside pgbench's; the target is {@code share} of pgbench's tps and, unless
     * NaN, a p99 below {@code p99Limit} ms.
     */
    static void report(BenchContext context, String name, List<LoadLoop.Run> runs, double share, double p99Limit) {
        List<Anchors.Result> pgbenchRuns = context.pgbenchRuns();
        double perSecond = median(runs.stream().map(LoadLoop.Run::perSecond).toList());
        double p50 = median(runs.stream().map(r -> r.latencies().percentileMillis(50)).toList());
        double p99 = median(runs.stream().map(r -> r.latencies().percentileMillis(99)).toList());
        double pgTps = median(Anchors.column(pgbenchRuns, Anchors.Result::perSecond));
        double pgP50 = median(Anchors.column(pgbenchRuns, Anchors.Result::p50Millis));
        double pgP99 = median(Anchors.column(pgbenchRuns, Anchors.Result::p99Millis));
        Results results = context.results();
        results.add(new Row(name + ", 16 clients", perSecond, "commands/s", "pgbench 1-row INSERT tps", pgTps,
                ">= " + Math.round(share * 100) + "% of pgbench", perSecond >= share * pgTps));
        results.add(new Row(name + " p50", p50, "ms", "pgbench p50", pgP50, "", null));
        results.add(new Row(name + " p99", p99, "ms", "pgbench p99", pgP99,
                Double.isNaN(p99Limit) ? "" : "< " + fmt(p99Limit) + " ms",
                Double.isNaN(p99Limit) ? null : p99 < p99Limit));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("runs", runs.stream().map(LoadLoop.Run::describe).toList());
        detail.put("pgbenchRuns", pgbenchRuns);
        results.detail(name, detail);
    }

    /** The median CPU cost of one operation over the runs ({process, PostgreSQL} in ms), of the process named. */
    static void reportCpu(BenchContext context, String operation, String process, List<double[]> perOperation) {
        double own = median(perOperation.stream().map(c -> c[0]).toList());
        double postgres = median(perOperation.stream().map(c -> c[1]).toList());
        Results results = context.results();
        results.add(Row.plain("CPU per " + operation + ": " + process, own, "ms"));
        double commandSessions = median(perOperation.stream().map(c -> c[2]).toList());
        results.add(Row.plain("CPU per " + operation + ": PostgreSQL", postgres, "ms"));
        // the part of the command database's sessions (the commands, the relay); the rest is the query service's
        // projections of the same events where it runs beside, and the server's own processes
        results.add(Row.plain("CPU per " + operation + ": PostgreSQL, the command database's sessions",
                commandSessions, "ms"));
        results.detail("cpu per " + operation, Map.of("process", process, "processMillis", own,
                "postgresMillis", postgres, "postgresCommandSessionsMillis", commandSessions));
    }
}
