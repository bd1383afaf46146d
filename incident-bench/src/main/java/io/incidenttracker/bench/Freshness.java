package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * Freshness: Kafka's own EndToEndLatency on the same broker for the anchor; then commands over HTTP paced at
 * {@code --freshness-rate} (32 workers, open loop) while a poller reads the query database's incident view every
 * millisecond. Freshness is the time from a command's 2xx answer to the first poll that sees its version.
 */
final class Freshness implements Measure {

    private static final int WORKERS = 32;

    @Override
    public void run(BenchContext context) throws Exception {
        Options options = context.options();
        step("Kafka's EndToEndLatency on the same broker, " + options.e2eMessages() + " messages");
        Anchors.Result kafka = Anchors.kafkaEndToEnd(context.bootstrap(), options.e2eMessages(), 600);
        context.results().detail("kafkaEndToEndLatency", kafka);
        int rate = options.freshnessRate();
        int seconds = options.freshnessSeconds();
        step("freshness at " + rate + " commands/s for " + seconds + " s");
        double load = Console.loadAverage();
        int port = context.commandService().port;
        Workload workload = new Workload(context.incidents(), "fresh", WORKERS);
        Map<UUID, ConcurrentLinkedQueue<long[]>> pending = new ConcurrentHashMap<>();
        FreshnessStages stages = new FreshnessStages(context.bootstrap());
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
        stages.stop();
        addStages(context, stages, answeredAndVisible);
        double p50 = freshness.percentileMillis(50);
        double p99 = freshness.percentileMillis(99);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("targetRate", rate);
        detail.put("achievedRate", achieved);
        detail.put("accepted", accepted.get());
        detail.put("failed", failed.get());
        detail.put("seen", freshness.count());
        detail.put("p50Millis", p50);
        detail.put("p99Millis", p99);
        detail.put("p999Millis", freshness.percentileMillis(99.9));
        detail.put("loadAverage", load);
        context.results().detail("freshness", detail);
        context.results().add(new Row("freshness p50 at " + Math.round(achieved) + " commands/s", p50, "ms",
                "Kafka EndToEndLatency p50", kafka.p50Millis(), "", null));
        context.results().add(new Row("freshness p99 at " + Math.round(achieved) + " commands/s", p99, "ms",
                "Kafka EndToEndLatency p99", kafka.p99Millis(), "< 250 ms (at 1000/s)",
                p99 < 250 && achieved >= 0.95 * rate && freshness.count() == accepted.get()));
    }

    /** The stages of each accepted and seen command's way, as rows: p50 and p99 of each. */
    private static void addStages(BenchContext context, FreshnessStages stages, Map<String, long[]> commands) {
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
            context.results().add(Row.plain("freshness stage p50: " + stage.getKey(), l.percentileMillis(50), "ms"));
            context.results().add(Row.plain("freshness stage p99: " + stage.getKey(), l.percentileMillis(99), "ms"));
        }
        context.results().detail("freshnessStages", detail);
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
