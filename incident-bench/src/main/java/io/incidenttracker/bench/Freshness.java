package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness: Kafka's own EndToEndLatency on the same broker for the anchor; then commands over HTTP paced at a
 * ladder of rates ({@code --freshness-rates}, 32 workers, open loop) while a poller reads the query database's
 * incident view (the versions of the incidents with commands outstanding, one poll right after the other; every
 * millisecond while none are). Freshness is the time from a command's 2xx answer to the first poll that sees its
 * version. A rung is sustained when the service took at least 95% of the commands offered and every command it took
 * became visible; the ladder stops after the first rung that is not (the overload), and the headline is the highest
 * sustained rung. Between rungs, and after the last, the harness waits until the query side has caught up with the
 * topic, so that neither the next rung nor the next measure starts behind.
 */
final class Freshness implements Measure {

    private static final int WORKERS = 32;
    /** Each warm-up rung's length, at most (a shorter {@code --freshness-seconds} shortens it too). */
    private static final int WARM_UP_SECONDS = 5;

    /** One rung of the ladder. */
    record Rung(int offered, double taken, long accepted, long failed, long seen, double p50, double p99,
                double p999, double loadAverage, Map<String, Object> stages, Map<String, Object> publisher,
                Map<String, Object> processors, double catchUpSeconds) {

        boolean sustained() {
            return taken >= 0.95 * offered && failed == 0 && seen == accepted && accepted > 0;
        }
    }

    @Override
    public void run(BenchContext context) throws Exception {
        Options options = context.options();
        step("Kafka's EndToEndLatency on the same broker, " + options.e2eMessages() + " messages");
        Anchors.Result kafka = Anchors.kafkaEndToEnd(context.bootstrap(), options.e2eMessages(), 600);
        context.results().detail("kafkaEndToEndLatency", kafka);
        Workload workload = new Workload(context.incidents(), "fresh", WORKERS);
        // the measures before (the HTTP commands) may have left the query side behind
        long behindFrom = System.nanoTime();
        ProcessorProgress.awaitCaughtUp(context, Duration.ofMinutes(10));
        step("  the query side caught up with the topic " + fmt((System.nanoTime() - behindFrom) / 1e9) + " s after the"
                + " measures before");
        List<Rung> rungs = new ArrayList<>();
        Rung sustained = null;
        warmUp(context, workload, options.freshnessRates().get(0),
               Math.min(WARM_UP_SECONDS, options.freshnessSeconds()));
        for (int rate : options.freshnessRates()) {
            Rung rung = rung(context, workload, rate, options.freshnessSeconds());
            rungs.add(rung);
            step("  offered " + rate + "/s, taken " + Math.round(rung.taken()) + "/s, seen " + rung.seen() + " of "
                    + rung.accepted() + ": freshness p50 " + fmt(rung.p50()) + " ms, p99 " + fmt(rung.p99())
                    + " ms; query side caught up " + fmt(rung.catchUpSeconds()) + " s later"
                    + (rung.sustained() ? "" : " (not sustained)"));
            step("    stages p50 / p99: " + stageSummary(rung));
            step("    publisher: " + PublisherPhases.summary(rung.publisher()));
            ProcessorPhases.summary(rung.processors()).forEach(line -> step("    " + line));
            if (!rung.sustained()) {
                break;
            }
            sustained = rung;
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("rungs", rungs);
        detail.put("highestSustainedRate", sustained == null ? null : sustained.offered());
        context.results().detail("freshness", detail);
        for (Rung rung : rungs) {
            String at = rung.offered() + " commands/s offered, " + Math.round(rung.taken()) + " taken"
                    + (rung.sustained() ? "" : ", not sustained");
            context.results().add(Row.plain("freshness p50 (" + at + ")", rung.p50(), "ms"));
            context.results().add(Row.plain("freshness p99 (" + at + ")", rung.p99(), "ms"));
        }
        if (sustained == null) {
            context.results().add(new Row("freshness p99 at the highest rate sustained (none)", Double.NaN, "ms",
                    "Kafka EndToEndLatency p99", kafka.p99Millis(), "<= 100 ms and <= 10x Kafka's p99", false));
            return;
        }
        addStages(context, sustained);
        String at = " at the highest rate sustained (" + sustained.offered() + " commands/s)";
        context.results().add(new Row("freshness p50" + at, sustained.p50(), "ms",
                "Kafka EndToEndLatency p50", kafka.p50Millis(), "", null));
        context.results().add(new Row("freshness p99" + at, sustained.p99(), "ms",
                "Kafka EndToEndLatency p99", kafka.p99Millis(), "<= 100 ms and <= 10x Kafka's p99",
                sustained.p99() <= 100 && sustained.p99() <= 10 * Math.max(kafka.p99Millis(), 1)));
    }

    /**
     * Runs rungs of {@code seconds} at {@code rate}, unmeasured, until the JIT compilers of the harness and of both
     * services took at most {@value LoadLoop#QUIET_COMPILERS_PERCENT}% of the machine's CPU in one (at least two
     * rungs, at most {@value LoadLoop#MAX_ROUNDS}): the services' code paths compiled before the first measured rung.
     * In full mode the services have run every measure before; with {@code --only freshness} they start cold, and
     * one fixed rung of 10 s left the compilers busy with a fifth of the machine during the measured rungs.
     */
    private static void warmUp(BenchContext context, Workload workload, int rate, int seconds) throws Exception {
        LoadLoop.Compilers compilers = new LoadLoop.Compilers(context.commandService().pid(),
                                                              context.queryService().pid());
        for (int round = 1; round <= LoadLoop.MAX_ROUNDS; round++) {
            step("freshness warm-up round " + round + " at " + rate + " commands/s (not measured)");
            compilers.start();
            Rung warmUp = rung(context, workload, rate, seconds);
            double[] byJvm = compilers.percentsSinceStart();
            double compiling = LoadLoop.Compilers.total(byJvm);
            step("  warm-up: freshness p50 " + fmt(warmUp.p50()) + " ms, p99 " + fmt(warmUp.p99()) + " ms; the JIT "
                    + "compilers took " + Figures.fmt(compiling) + "% of the machine's CPU in the round (harness / "
                    + "command service / query service: " + Figures.fmt(byJvm[0]) + " / " + Figures.fmt(byJvm[1])
                    + " / " + Figures.fmt(byJvm[2]) + "%)");
            if (round >= 2 && LoadLoop.Compilers.quiet(compiling)) {
                return;
            }
        }
        step("freshness: the JIT compilers still busy after " + LoadLoop.MAX_ROUNDS + " warm-up rounds; measured as "
                + "it is");
    }

    /** One rung: {@code rate} commands/s for {@code seconds}, then the wait for the query side. */
    private static Rung rung(BenchContext context, Workload workload, int rate, int seconds) throws Exception {
        step("freshness at " + rate + " commands/s for " + seconds + " s");
        double load = Console.loadAverage();
        int port = context.commandService().port;
        Map<UUID, ConcurrentLinkedQueue<long[]>> pending = new ConcurrentHashMap<>();
        FreshnessStages stages = new FreshnessStages(context.bootstrap());
        PublisherPhases.Snapshot publisherBefore = PublisherPhases.snapshot(context.http(), port);
        ProcessorPhases.Snapshot processorsBefore = ProcessorPhases.snapshot(context.http(),
                                                                             context.queryService().port);
        // per accepted command: {incident, version} -> {answered, visible} in epoch milliseconds
        Map<String, long[]> answeredAndVisible = new ConcurrentHashMap<>();
        Latencies freshness = new Latencies();
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 100_000_000L;
        long end = start + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            threads.add(LoadLoop.start(() -> {
                for (long j = 0; ; j++) {
                    long due = start + (j * WORKERS + worker) * periodNanos;
                    if (due >= end || System.nanoTime() >= end) {
                        return;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    Workload.Step step = workload.next(worker);
                    try {
                        long version = context.http().command(port, step);
                        long acceptedAt = System.nanoTime();
                        answeredAndVisible.put(step.incidentId() + "/" + version,
                                               new long[] {System.currentTimeMillis(), 0});
                        pending.computeIfAbsent(step.incidentId(), id -> new ConcurrentLinkedQueue<>())
                                .add(new long[] {version, acceptedAt});
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        Thread poller = LoadLoop.start(() -> pollVisibility(context, pending, freshness, sending,
                                                            answeredAndVisible));
        for (Thread thread : threads) {
            thread.join();
        }
        double achieved = accepted.get() / ((System.nanoTime() - start) / 1e9);
        sending.set(false);
        poller.join(60_000);
        // every command taken is visible now, so published: the publisher's meters cover the rung's batches
        Map<String, Object> publisher = PublisherPhases.between(publisherBefore,
                PublisherPhases.snapshot(context.http(), port), accepted.get());
        stages.stop();
        long caughtUpFrom = System.nanoTime();
        ProcessorProgress.awaitCaughtUp(context, Duration.ofMinutes(10));
        double catchUp = (System.nanoTime() - caughtUpFrom) / 1e9;
        // every processor has handled the rung's records: their meters cover its batches
        Map<String, Object> processors = ProcessorPhases.between(processorsBefore,
                ProcessorPhases.snapshot(context.http(), context.queryService().port));
        return new Rung(rate, achieved, accepted.get(), failed.get(), freshness.count(),
                freshness.percentileMillis(50), freshness.percentileMillis(99), freshness.percentileMillis(99.9),
                load, stages(stages, answeredAndVisible), publisher, processors, catchUp);
    }

    private static void addStages(BenchContext context, Rung rung) {
        context.results().detail("freshnessStages", rung.stages());
        context.results().detail("freshnessPublisher", rung.publisher());
        context.results().detail("freshnessProcessors", rung.processors());
        context.results().add(Row.plain("publisher at that rate: events per batch",
                                        (Double) rung.publisher().get("eventsPerBatch"), "events"));
        context.results().add(Row.plain("publisher at that rate: reads of the store per command",
                                        (Double) rung.publisher().get("readsPerCommand"), ""));
        for (String phase : List.of("readFound", "send", "commit", "position")) {
            context.results().add(Row.plain("publisher at that rate: " + phase.replace("Found", "")
                                            + " per batch, mean", (Double) rung.publisher().get(phase + "Millis"), "ms"));
        }
        rung.stages().forEach((stage, figures) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) figures;
            context.results().add(Row.plain("freshness stage p50: " + stage, ((Number) f.get("p50Millis")).doubleValue(),
                                            "ms"));
            context.results().add(Row.plain("freshness stage p99: " + stage, ((Number) f.get("p99Millis")).doubleValue(),
                                            "ms"));
        });
    }

    /** Each stage's p50 / p99, in one line. */
    private static String stageSummary(Rung rung) {
        List<String> parts = new ArrayList<>();
        rung.stages().forEach((stage, figures) -> {
            Map<?, ?> f = (Map<?, ?>) figures;
            parts.add(stage + " " + fmt(((Number) f.get("p50Millis")).doubleValue()) + " / "
                    + fmt(((Number) f.get("p99Millis")).doubleValue()) + " ms");
        });
        return String.join("; ", parts);
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "-" : String.format(java.util.Locale.ROOT, "%.0f", value);
    }

    /** The stages of each accepted and seen command's way: p50 and p99 of each, by stage. */
    private static Map<String, Object> stages(FreshnessStages stages, Map<String, long[]> commands) {
        Latencies created = new Latencies();
        Latencies sent = new Latencies();
        Latencies fetched = new Latencies();
        Latencies answered = new Latencies();
        commands.forEach((key, times) -> {
            int slash = key.indexOf('/');
            FreshnessStages.Seen seen = stages.of(key.substring(0, slash), Long.parseLong(key.substring(slash + 1)));
            if (seen == null || times[1] == 0) {
                return;
            }
            created.record(Math.max(0, seen.sentAt() - seen.createdAt()) * 1_000_000L);
            sent.record(Math.max(0, seen.fetchedAt() - seen.sentAt()) * 1_000_000L);
            fetched.record(Math.max(0, times[1] - seen.fetchedAt()) * 1_000_000L);
            answered.record(Math.max(0, times[0] - seen.createdAt()) * 1_000_000L);
        });
        Map<String, Latencies> all = new LinkedHashMap<>();
        all.put("event created to sent by the publisher", created);
        all.put("sent to fetched (broker)", sent);
        all.put("fetched to visible in the query view", fetched);
        all.put("event created to the command's 2xx answer", answered);
        Map<String, Object> detail = new LinkedHashMap<>();
        for (Map.Entry<String, Latencies> stage : all.entrySet()) {
            Latencies l = stage.getValue();
            detail.put(stage.getKey(), Map.of("count", l.count(), "p50Millis", l.percentileMillis(50),
                                              "p99Millis", l.percentileMillis(99)));
        }
        return detail;
    }

    /** Polls the query database's incident view until every accepted command's version is visible. */
    private static void pollVisibility(BenchContext context, Map<UUID, ConcurrentLinkedQueue<long[]>> pending,
                                       Latencies freshness, AtomicBoolean sending, Map<String, long[]> visible) {
        long giveUp = Long.MAX_VALUE;
        try (Connection connection = BenchContext.connect(context.queryDb());
             PreparedStatement select = connection.prepareStatement(
                     "SELECT incident_id, version FROM incident WHERE incident_id = ANY(?)")) {
            while (true) {
                List<UUID> waiting = new ArrayList<>();
                pending.forEach((id, queue) -> {
                    if (!queue.isEmpty()) {
                        waiting.add(id);
                    }
                });
                if (waiting.isEmpty()) {
                    if (!sending.get()) {
                        return;
                    }
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                if (!sending.get() && giveUp == Long.MAX_VALUE) {
                    giveUp = System.nanoTime() + 30_000_000_000L;
                }
                if (System.nanoTime() > giveUp) {
                    return;
                }
                select.setArray(1, connection.createArrayOf("uuid", waiting.toArray()));
                try (ResultSet rs = select.executeQuery()) {
                    long now = System.nanoTime();
                    long wallClock = System.currentTimeMillis();
                    while (rs.next()) {
                        UUID incident = rs.getObject(1, UUID.class);
                        ConcurrentLinkedQueue<long[]> queue = pending.get(incident);
                        long version = rs.getLong(2);
                        long[] head;
                        while ((head = queue.peek()) != null && head[0] <= version) {
                            queue.poll();
                            freshness.record(now - head[1]);
                            long[] times = visible.get(incident + "/" + head[0]);
                            if (times != null) {
                                times[1] = wallClock;
                            }
                        }
                    }
                }
                LockSupport.parkNanos(1_000_000);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
