package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Queries under load: 16 clients read incident details (three in four, random incidents) and the service board from
 * the query service as a viewer, while 4 workers send 100 commands/s to the command service beside.
 */
final class QueriesUnderLoad implements Measure {

    private static final int BESIDE_WORKERS = 4;

    @Override
    public void run(BenchContext context) throws Exception {
        int seconds = context.options().querySeconds();
        step("queries under load: " + LoadLoop.CLIENTS + " clients for " + seconds + " s, commands at 100/s beside");
        double load = Console.loadAverage();
        Http http = context.http();
        int commandPort = context.commandService().port;
        int queryPort = context.queryService().port;
        List<UUID> incidents = context.incidents();
        Latencies detail = new Latencies();
        Latencies board = new Latencies();
        AtomicBoolean running = new AtomicBoolean(true);
        Workload workload = new Workload(incidents, "beside", BESIDE_WORKERS);
        List<Thread> background = new ArrayList<>();
        for (int w = 0; w < BESIDE_WORKERS; w++) {
            int worker = w;
            background.add(LoadLoop.start(() -> {
                long next = System.nanoTime();
                while (running.get()) {
                    next += 40_000_000L;
                    try {
                        http.command(commandPort, workload.next(worker));
                    } catch (Exception e) {
                        // the load beside is not measured
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }));
        }
        LoadLoop.Worker reader = w -> {
            boolean isBoard = ThreadLocalRandom.current().nextInt(4) == 0;
            long t0 = System.nanoTime();
            if (isBoard) {
                http.query(queryPort, "/api/services");
                board.record(System.nanoTime() - t0);
            } else {
                UUID id = incidents.get(ThreadLocalRandom.current().nextInt(incidents.size()));
                http.query(queryPort, Http.incidentPath(id));
                detail.record(System.nanoTime() - t0);
            }
        };
        LoadLoop.warmUp("queries", reader);
        detail.clear();
        board.clear();
        LoadLoop.Run run = LoadLoop.closedLoop(LoadLoop.CLIENTS, seconds, reader);
        running.set(false);
        for (Thread thread : background) {
            thread.join();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queriesPerSecond", run.perSecond());
        d.put("errors", run.errors());
        d.put("detailCount", detail.count());
        d.put("boardCount", board.count());
        d.put("loadAverage", load);
        Results results = context.results();
        results.detail("queries", d);
        results.add(Row.plain("incident detail p50", detail.percentileMillis(50), "ms"));
        results.add(new Row("incident detail p99", detail.percentileMillis(99), "ms", null, null, "< 10 ms",
                detail.percentileMillis(99) < 10));
        results.add(Row.plain("service board p50", board.percentileMillis(50), "ms"));
        results.add(new Row("service board p99", board.percentileMillis(99), "ms", null, null, "< 10 ms",
                board.percentileMillis(99) < 10));
    }
}
