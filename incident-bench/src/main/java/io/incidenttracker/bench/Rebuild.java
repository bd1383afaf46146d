package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import java.time.Duration;
import java.util.Map;

/**
 * Rebuild of all projections: the query service, just started on an empty database, reads the whole seeded topic;
 * events/s from its first progress until every processor's token reaches the end of the topic. The harness waits for
 * it whenever it needs the query service; the row, against {@link RebuildAnchor}'s figure, only when the rebuild
 * measure was chosen.
 */
final class Rebuild implements Measure {

    @Override
    public void run(BenchContext context) throws Exception {
        ServiceProcess query = context.queryService();
        step("rebuild of all projections from " + context.totalEvents() + " events (a fresh query database)");
        double load = Console.loadAverage();
        long[] first = ProcessorProgress.awaitFirstProgress(context.queryDb(), query);
        long done = ProcessorProgress.awaitPosition("rebuilt",
                () -> ProcessorProgress.projectedEvents(context.queryDb()), context.topicRecords(),
                Duration.ofMinutes(30), query);
        double seconds = (System.nanoTime() - first[1]) / 1e9;
        double rate = (done - first[0]) / seconds;
        context.results().detail("rebuild", Map.of("events", done - first[0], "seconds", seconds,
                "eventsPerSecond", rate, "loadAverage", load));
        step("rebuilt " + context.totalEvents() + " events at " + fmt(rate) + " events/s");
        if (context.options().runs("rebuild")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> defaults = (Map<String, Object>) context.results().detail(RebuildAnchor.DETAIL);
            double anchor = ((Number) defaults.get("eventsPerSecond")).doubleValue();
            context.results().add(new Row("rebuild of all projections", rate, "events/s",
                    "default processor settings", anchor, ">= 20000/s and >= 10x defaults",
                    rate >= 20_000 && rate >= 10 * anchor));
        }
    }
}
