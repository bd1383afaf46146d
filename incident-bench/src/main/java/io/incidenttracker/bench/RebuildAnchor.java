package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import io.incidenttracker.launcher.LocalDatabases;
import io.incidenttracker.query.QueryServiceApplication;

import java.util.List;
import java.util.Map;

/**
 * The rebuild's anchor: a query service with Axon's default processor settings on a database of its own reads the
 * seeded topic for {@code --rebuild-anchor-seconds}; its events/s go to the details, where {@link Rebuild} reads them.
 */
final class RebuildAnchor implements Measure {

    /** The key of this measure's details. */
    static final String DETAIL = "rebuildWithDefaults";

    /**
     * Axon's defaults for a tracking processor (batch size 1, one segment, one thread) and the extension's default
     * fetch buffer.
     */
    static final List<String> DEFAULT_PROCESSOR_SETTINGS = List.of(
            "--axon.eventhandling.processors.incident-projection.batch-size=1",
            "--axon.eventhandling.processors.incident-projection.initial-segment-count=1",
            "--axon.eventhandling.processors.incident-projection.thread-count=1",
            "--axon.eventhandling.processors.audit-ledger.batch-size=1",
            "--axon.eventhandling.processors.audit-ledger.initial-segment-count=1",
            "--axon.eventhandling.processors.audit-ledger.thread-count=1",
            "--axon.kafka.fetcher.buffer-size=10000",
            "--axon.kafka.fetcher.poll-timeout=5000",
            "--axon.kafka.consumer.properties.max.poll.records=500",
            "--axon.kafka.consumer.properties.fetch.min.bytes=1",
            "--axon.kafka.consumer.properties.fetch.max.wait.ms=500");

    @Override
    public void run(BenchContext context) throws Exception {
        int windowSeconds = context.options().rebuildAnchorSeconds();
        step("rebuild with Axon's default processor settings, for " + windowSeconds + " s");
        double load = Console.loadAverage();
        LocalDatabases.Database database = context.defaultsQueryDb();
        try (ServiceProcess defaults = ServiceProcess.start("query-service-defaults",
                QueryServiceApplication.class.getName(), BenchContext.freePort(),
                context.queryArguments(database, DEFAULT_PROCESSOR_SETTINGS),
                context.workDir().resolve("query-service-defaults"))) {
            long[] first = ProcessorProgress.awaitFirstProgress(database, defaults);
            long windowEnd = first[1] + windowSeconds * 1_000_000_000L;
            long done;
            while ((done = ProcessorProgress.projectedEvents(database)) < context.topicEnd()
                    && System.nanoTime() < windowEnd) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - first[1]) / 1e9;
            long events = Math.round((done - first[0]) * context.recordsPerPosition());
            double rate = events / seconds;
            context.results().detail(DETAIL, Map.of("events", events, "seconds", seconds,
                    "eventsPerSecond", rate, "loadAverage", load, "settings", DEFAULT_PROCESSOR_SETTINGS));
            step("defaults: " + events + " events in " + fmt(seconds) + " s = " + fmt(rate) + " events/s");
        }
    }
}
