package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Queries under load: 16 clients read incident details (three in four, random incidents) and the service board from
 * the query service as a viewer, while 4 workers send 100 commands/s to the command service beside. Then, with the
 * commands stopped, a dashboard's poll of views it already holds: the same 16 clients send If-None-Match with the
 * ETags they hold, and each answer must be a 304.
 */
final class QueriesUnderLoad implements Measure {

    /** The query service's reads of stored views, by {@code result}: {@code hit} (from memory) or {@code miss}. */
    private static final String CACHE_READS = "incident.view.cache.reads";

    private static final int BESIDE_WORKERS = 4;

    @Override
    public void run(BenchContext context) throws Exception {
        int seconds = context.options().querySeconds();
        // reads measure a query side that is not behind: what the measures before sent is published and projected,
        // and every detail a catch-up dropped is stored again
        settle(context);
        step("queries under load: " + LoadLoop.CLIENTS + " clients for " + seconds + " s, commands at 100/s beside");
        double load = Console.loadAverage();
        Http http = context.http();
        int commandPort = context.commandService().port;
        int queryPort = context.queryService().port;
        List<UUID> incidents = context.incidents();
        Latencies detail = new Latencies();
        Latencies board = new Latencies();
        Beside beside = Beside.start(http, commandPort, new Workload(incidents, "beside", BESIDE_WORKERS));
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
        LoadLoop.warmUp("queries", reader, context.queryService().pid(), context.commandService().pid());
        detail.clear();
        board.clear();
        Cpu readsCpu = Cpu.start(context);
        LoadLoop.Run run = LoadLoop.closedLoop(LoadLoop.CLIENTS, seconds, reader);
        double[] perRead = readsCpu.per(run.completed());
        beside.stop();
        double[] wrkCpu = new double[3];
        double hitsBefore = http.metric(queryPort, CACHE_READS, "result:hit");
        double missesBefore = http.metric(queryPort, CACHE_READS, "result:miss");
        Wrk.Result wrkReads = wrkReads(context, incidents, wrkCpu);
        double hits = http.metric(queryPort, CACHE_READS, "result:hit") - hitsBefore;
        double fromMemory = hits / (hits + http.metric(queryPort, CACHE_READS, "result:miss") - missesBefore);
        double[] perPoll = new double[3];
        LoadLoop.Run polls = pollUnchanged(context, incidents, perPoll);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queriesPerSecond", run.perSecond());
        d.put("unchangedPolls", polls.describe());
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
        results.add(new Row("reads under load, detail and board", run.perSecond(), "reads/s", null, null,
                ">= 2000 reads/s", run.perSecond() >= 2000));
        if (wrkReads != null) {
            d.put("wrkReads", wrkReads.describe());
            results.add(new Row("reads under load, detail and board (wrk)", wrkReads.perSecond(), "reads/s", null, null,
                    ">= 2000 reads/s", wrkReads.perSecond() >= 2000 && wrkReads.badAnswers() == 0));
            results.add(Row.plain("reads under load p50 (wrk)", wrkReads.p50Millis(), "ms"));
            results.add(new Row("reads under load p99 (wrk)", wrkReads.p99Millis(), "ms", null, null, "< 10 ms",
                    wrkReads.p99Millis() < 10));
            // NaN without the meter (an older service); 0 on an instance that does not apply the projection
            d.put("wrkReadsFromMemory", fromMemory);
            results.add(Row.plain("reads under load answered from memory (wrk)", 100 * fromMemory, "%"));
            results.add(Row.plain("CPU per read under load (wrk): query service", wrkCpu[0], "ms"));
            results.add(Row.plain("CPU per read under load (wrk): PostgreSQL", wrkCpu[2], "ms"));
        }
        results.add(Row.plain("poll of an unchanged view (304) p50", polls.latencies().percentileMillis(50), "ms"));
        results.add(Row.plain("poll of an unchanged view (304) p99", polls.latencies().percentileMillis(99), "ms"));
        results.add(new Row("polls of unchanged views", polls.perSecond(), "polls/s", null, null,
                "every answer 304", polls.errors() == 0));
        d.put("cpuPerReadMillis", Map.of("queryService", perRead[0], "harness", perRead[1], "postgres", perRead[2]));
        d.put("cpuPerPollMillis", Map.of("queryService", perPoll[0], "harness", perPoll[1], "postgres", perPoll[2]));
        results.add(Row.plain("CPU per read under load: query service (it projects the commands beside too)",
                perRead[0], "ms"));
        results.add(Row.plain("CPU per read under load: harness (its clients and the commands' workers)", perRead[1],
                "ms"));
        results.add(Row.plain("CPU per read under load: PostgreSQL", perRead[2], "ms"));
        results.add(Row.plain("CPU per poll of an unchanged view: query service", perPoll[0], "ms"));
        results.add(Row.plain("CPU per poll of an unchanged view: harness clients", perPoll[1], "ms"));
        results.add(Row.plain("CPU per poll of an unchanged view: PostgreSQL", perPoll[2], "ms"));
    }

    /**
     * The same reads with the commands beside, made by wrk (another process, one event-loop thread, 16 connections)
     * instead of the harness's JDK client, whose CPU per request is about the service's own on the same two cores;
     * null without wrk. Every answer must be a 200.
     */
    private static Wrk.Result wrkReads(BenchContext context, List<UUID> incidents, double[] cpuPerRead)
            throws Exception {
        Optional<Path> wrk = Wrk.find();
        if (wrk.isEmpty()) {
            step("wrk is not installed (apt-get install wrk): the reads are measured with the harness's client only");
            return null;
        }
        int seconds = context.options().querySeconds();
        step("queries under load from wrk (another process): " + LoadLoop.CLIENTS + " connections for " + seconds
                + " s, commands at 100/s beside");
        List<String> paths = new ArrayList<>(List.of("/api/services"));
        incidents.forEach(id -> paths.add(Http.incidentPath(id)));
        Path script = Wrk.randomGets(context.workDir(), "reads", paths, 4);
        String url = "http://127.0.0.1:" + context.queryService().port;
        List<String> viewer = List.of("Authorization: " + Http.basic("viewer"));
        Beside beside = Beside.start(context.http(), context.commandService().port,
                new Workload(incidents, "beside-wrk", BESIDE_WORKERS));
        try {
            Wrk.run(wrk.get(), url, LoadLoop.CLIENTS, 5, viewer, script);
            Cpu cpu = Cpu.start(context);
            Wrk.Result result = Wrk.run(wrk.get(), url, LoadLoop.CLIENTS, seconds, viewer, script);
            System.arraycopy(cpu.per(Math.max(1, result.requests())), 0, cpuPerRead, 0, 3);
            step(String.format(Locale.ROOT, "  wrk: %.0f reads/s, p50 %.2f ms, p99 %.2f ms, %d not 2xx, %d socket errors",
                    result.perSecond(), result.p50Millis(), result.p99Millis(), result.badAnswers(),
                    result.socketErrors()));
            return result;
        } finally {
            beside.stop();
        }
    }

    /** The commands sent beside the reads: 4 workers, 25 commands/s each, on the workload's incidents. */
    private record Beside(AtomicBoolean running, List<Thread> threads) {

        static Beside start(Http http, int commandPort, Workload workload) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < BESIDE_WORKERS; w++) {
                int worker = w;
                threads.add(LoadLoop.start(() -> {
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
            return new Beside(running, threads);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }

    /**
     * The CPU a closed loop costs, per call: the query service's, this JVM's (the harness's clients, and during the
     * reads the workers of the commands beside) and PostgreSQL's (every database).
     */
    private record Cpu(long queryPid, double query, double harness, Map<Long, Double> postgres) {

        static Cpu start(BenchContext context) {
            long pid = context.queryService().pid();
            return new Cpu(pid, CpuTime.ofProcess(pid), CpuTime.ofThisJvm(), CpuTime.ofPostgres());
        }

        double[] per(long calls) {
            return new double[] {(CpuTime.ofProcess(queryPid) - query) / calls, (CpuTime.ofThisJvm() - harness) / calls,
                    CpuTime.postgresSince(postgres) / calls};
        }
    }

    /**
     * Waits until the command service has published every event it stored, the query side has projected them, and
     * every incident's detail is stored; each wait gives up after two minutes (logged, or failing for the details).
     */
    private static void settle(BenchContext context) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (Seeding.unpublishedEvents(context) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        ProcessorProgress.awaitCaughtUp(context, Duration.ofMinutes(2));
        ProcessorProgress.awaitStoredDetails(context, Duration.ofMinutes(2));
    }

    /**
     * A dashboard's poll of views it holds, nothing changing: 16 clients, each poll a random incident's detail (three
     * in four) or the board with the ETag read before; an answer other than 304 counts as an error.
     */
    private static LoadLoop.Run pollUnchanged(BenchContext context, List<UUID> incidents, double[] cpuPerPoll)
            throws Exception {
        int seconds = context.options().querySeconds();
        int port = context.queryService().port;
        Http http = context.http();
        step("dashboard polls of unchanged views: " + LoadLoop.CLIENTS + " clients for " + seconds + " s");
        // the projection may still apply the last commands sent beside: wait until they are published and projected
        // and every detail is stored, then until the views stand still
        settle(context);
        String boardEtag = http.etag(port, "/api/services");
        for (int i = 0; i < 100; i++) {
            Thread.sleep(200);
            String now = http.etag(port, "/api/services");
            if (now.equals(boardEtag)) {
                break;
            }
            boardEtag = now;
        }
        List<UUID> held = incidents.subList(0, Math.min(incidents.size(), 500));
        Map<UUID, String> etags = new LinkedHashMap<>();
        for (UUID id : held) {
            etags.put(id, http.etag(port, Http.incidentPath(id)));
        }
        String board = boardEtag;
        LoadLoop.Worker poller = w -> {
            boolean isBoard = ThreadLocalRandom.current().nextInt(4) == 0;
            UUID id = held.get(ThreadLocalRandom.current().nextInt(held.size()));
            boolean notModified = isBoard ? http.poll(port, "/api/services", board)
                    : http.poll(port, Http.incidentPath(id), etags.get(id));
            if (!notModified) {
                throw new IllegalStateException("an unchanged view answered 200");
            }
        };
        LoadLoop.warmUp("polls", poller, context.queryService().pid());
        Cpu cpu = Cpu.start(context);
        LoadLoop.Run run = LoadLoop.closedLoop(LoadLoop.CLIENTS, seconds, poller);
        System.arraycopy(cpu.per(run.completed()), 0, cpuPerPoll, 0, 3);
        return run;
    }
}
