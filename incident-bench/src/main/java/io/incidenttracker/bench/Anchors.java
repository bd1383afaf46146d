package io.incidenttracker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The reference tools, run on the same PostgreSQL and the same broker: pgbench and Kafka's EndToEndLatency. */
final class Anchors {

    /** Throughput and latency of one tool run. */
    record Result(double perSecond, double p50Millis, double p99Millis) {
    }

    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern PERCENTILES = Pattern.compile(
            "Percentiles: 50th = ([0-9.]+), 99th = ([0-9.]+), 99\\.9th = ([0-9.]+)");
    private static final Pattern AVERAGE = Pattern.compile("Avg latency: ([0-9.]+) ms");

    private Anchors() {
    }

    /** The table pgbench inserts into, in the command database: one row per transaction, like one event. */
    static String pgbenchTable() {
        return "CREATE TABLE IF NOT EXISTS pgbench_single_insert (id BIGSERIAL PRIMARY KEY, incident_id UUID NOT NULL, "
                + "payload TEXT NOT NULL, recorded_at TIMESTAMPTZ NOT NULL DEFAULT now())";
    }

    /**
     * pgbench with a script of one single-row INSERT per transaction, {@code clients} clients for {@code seconds};
     * latencies from its per-transaction log.
     */
    static Result pgbench(String host, int port, String user, String database, int clients, int seconds, Path workDir)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve("pgbench-" + System.nanoTime()));
        Path script = dir.resolve("single-insert.sql");
        Files.writeString(script, "INSERT INTO pgbench_single_insert (incident_id, payload) VALUES (gen_random_uuid(), "
                + "'{\"serviceId\":\"svc-1\",\"impact\":\"UNAVAILABLE\",\"description\":\"load test\","
                + "\"occurredAt\":\"2025-01-01T00:00:00Z\"}');\n", StandardCharsets.UTF_8);
        List<String> command = List.of("pgbench", "-h", host, "-p", Integer.toString(port), "-U", user, "-n",
                "-c", Integer.toString(clients), "-j", "2", "-T", Integer.toString(seconds), "-f", script.toString(),
                "-l", "--log-prefix=" + dir.resolve("tx"), database);
        Path out = dir.resolve("pgbench.out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pgbench did not finish");
        }
        String printed = Files.readString(out);
        Matcher tps = TPS.matcher(printed);
        if (process.exitValue() != 0 || !tps.find()) {
            throw new IllegalStateException("pgbench failed: " + printed);
        }
        Latencies latencies = new Latencies();
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("tx")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    String[] fields = line.split(" ");
                    if (fields.length > 2) {
                        latencies.record(Long.parseLong(fields[2]) * 1_000L);
                    }
                }
            }
        }
        return new Result(Double.parseDouble(tps.group(1)), latencies.percentileMillis(50),
                latencies.percentileMillis(99));
    }

    /**
     * Kafka's own end-to-end latency tool (kafka-tools, same version as the broker): one message at a time,
     * produced with {@code acks=all} and consumed back; it reports whole-millisecond percentiles.
     */
    static Result kafkaEndToEnd(String bootstrap, int messages, int size) throws IOException, InterruptedException {
        String printed = ServiceProcess.runTool("org.apache.kafka.tools.EndToEndLatency",
                List.of(bootstrap, "bench-end-to-end-latency", Integer.toString(messages), "all",
                        Integer.toString(size)), Duration.ofMinutes(5));
        Matcher percentiles = PERCENTILES.matcher(printed);
        Matcher average = AVERAGE.matcher(printed);
        if (!percentiles.find() || !average.find()) {
            throw new IllegalStateException("EndToEndLatency printed no percentiles: " + printed);
        }
        double avg = Double.parseDouble(average.group(1));
        return new Result(avg > 0 ? 1000.0 / avg : Double.NaN, Double.parseDouble(percentiles.group(1)),
                Double.parseDouble(percentiles.group(2)));
    }

    static List<Double> column(List<Result> results, java.util.function.ToDoubleFunction<Result> field) {
        List<Double> values = new ArrayList<>();
        results.forEach(r -> values.add(field.applyAsDouble(r)));
        return values;
    }
}
