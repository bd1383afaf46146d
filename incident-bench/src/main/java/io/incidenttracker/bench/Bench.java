package io.incidenttracker.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * The benchmark harness: starts a broker, the databases and the services it needs, runs the chosen measures, prints a
 * table and writes the results to {@code incident-bench/results/} (the folder {@code bench.home} names, there
 * {@code results/}). See the performance documentation.
 *
 * <pre>java -jar incident-bench/target/incident-bench.jar [--quick] [--only m1,m2] [--incidents N]
 *     [--events-per-incident N] [--seconds N] [--repeats N] [--rebuild-anchor-seconds N] [--freshness-rate N]
 *     [--freshness-seconds N] [--query-seconds N] [--e2e-messages N] [--label L]</pre>
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper")) {
            ((Logger) LoggerFactory.getLogger(logger)).setLevel(Level.WARN);
        }
        Path home = Path.of(System.getProperty("bench.home", "incident-bench")).toAbsolutePath();
        Path workDir = home.resolve("target").resolve("bench-work");
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        BenchContext context = new BenchContext(options, workDir);
        long started = System.nanoTime();
        int exitCode = 0;
        try {
            new Harness(context).run();
        } catch (Exception | Error e) {
            // what was measured until then is still reported; the JVM must end even if a client thread hangs
            e.printStackTrace();
            context.results().detail("failure", e.toString());
            exitCode = 1;
        }
        context.results().detail("wallClockSeconds", (System.nanoTime() - started) / 1e9);
        new ResultFiles(home.resolve("results")).write(context.results(), options.label());
        System.exit(exitCode);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
