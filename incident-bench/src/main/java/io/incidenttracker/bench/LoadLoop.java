package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: a number of workers, each calling again as soon as its call returned, for a given time; and the
 * warm-up that runs such loops until the throughput is steady.
 */
final class LoadLoop {

    /** The concurrent clients of the throughput and query measures. */
    static final int CLIENTS = 16;

    /** The most warm-up rounds of 5 s before a measure runs whatever the compilers do. */
    static final int MAX_ROUNDS = 24;

    /** The JIT compilers' share of the machine's CPU in a warm-up round below which the code counts as compiled. */
    static final double QUIET_COMPILERS_PERCENT = 5.0;

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private LoadLoop() {
    }

    /** One call of the load; {@code worker} is the calling worker's number. */
    @FunctionalInterface
    interface Worker {
        void call(int worker) throws Exception;
    }

    /** What one closed loop did: calls completed and failed, its time, its latencies and the load at its start. */
    record Run(long completed, long errors, double seconds, Latencies latencies, double loadAverage) {

        double perSecond() {
            return completed / seconds;
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("completed", completed);
            m.put("errors", errors);
            m.put("seconds", seconds);
            m.put("perSecond", perSecond());
            m.put("p50Millis", latencies.percentileMillis(50));
            m.put("p99Millis", latencies.percentileMillis(99));
            m.put("loadAverage", loadAverage);
            return m;
        }
    }

    /**
     * Runs the workload in rounds of 5 s until the JIT compilers have done their work: until a round's throughput is
     * within 5% of the round before and the compiler threads of this JVM and of {@code services} spent at most
     * {@value #QUIET_COMPILERS_PERCENT}% of the machine's CPU in it; at least 4 and at most {@value #MAX_ROUNDS} rounds.
     * A fixed few seconds were not enough: a service's code paths, run once per request, stay interpreted for
     * thousands of requests, and the first measured runs then showed half the steady throughput at twice the CPU per
     * request. A steady throughput alone was not enough either: two rounds can agree while the compilers still take a
     * quarter of the machine, and the measured run then pays for the compilations.
     */
    static void warmUp(String what, Worker worker, long... services) throws InterruptedException {
        Compilers compilers = new Compilers(services);
        double previous = 0;
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            step(what + ": warm-up round " + round);
            compilers.start();
            Run run = closedLoop(CLIENTS, 5, worker);
            double rate = run.perSecond();
            // NaN where /proc shows no compiler threads (not Linux): the throughput decides alone
            double compiling = compilers.percentSinceStart();
            step("  the JIT compilers took " + fmt(compiling) + "% of the machine's CPU in the round");
            boolean steady = round >= 4 && Math.abs(rate - previous) <= 0.05 * previous;
            if (steady && Compilers.quiet(compiling)) {
                return;
            }
            previous = rate;
        }
        step(what + ": still not steady after " + MAX_ROUNDS + " warm-up rounds; measured as it is");
    }

    /**
     * The JIT compilers of the harness's JVM and of the given services: their share of the machine's CPU over a
     * stretch of time, from each compiler thread's time in {@code /proc}.
     */
    static final class Compilers {

        private final long[] jvms;
        private List<Map<Long, Double>> before;
        private long startNanos;

        /** The compilers of this JVM and of {@code services}; a first stretch starts now. */
        Compilers(long... services) {
            jvms = new long[services.length + 1];
            jvms[0] = ProcessHandle.current().pid();
            System.arraycopy(services, 0, jvms, 1, services.length);
            start();
        }

        /** Starts a stretch. */
        void start() {
            before = threads();
            startNanos = System.nanoTime();
        }

        /** The compilers' share of the machine's CPU since {@link #start}, in percent; NaN where /proc has none. */
        double percentSinceStart() {
            return total(percentsSinceStart());
        }

        /** The sum of shares by JVM, those /proc could not tell left out; NaN when it could tell none. */
        static double total(double[] shares) {
            double sum = Double.NaN;
            for (double share : shares) {
                sum = Double.isNaN(sum) ? share : Double.isNaN(share) ? sum : sum + share;
            }
            return sum;
        }

        /**
         * The same by JVM: the harness's first, then each service's in the order given; NaN for one where /proc
         * shows no compiler threads.
         */
        double[] percentsSinceStart() {
            double millis = (System.nanoTime() - startNanos) / 1e6;
            double[] shares = millisSinceStart();
            for (int i = 0; i < shares.length; i++) {
                shares[i] = 100 * shares[i] / (millis * CORES);
            }
            return shares;
        }

        /** The compilers' CPU time since {@link #start} by JVM, in ms, in the same order; NaN as there. */
        double[] millisSinceStart() {
            List<Map<Long, Double>> after = threads();
            double[] spent = new double[jvms.length];
            for (int i = 0; i < jvms.length; i++) {
                spent[i] = after.get(i).isEmpty() ? Double.NaN : CpuTime.spentSince(before.get(i), after.get(i));
            }
            return spent;
        }

        /** Whether a share counts as compiled code: at most {@value #QUIET_COMPILERS_PERCENT}%, or unknown. */
        static boolean quiet(double percent) {
            return !(percent > QUIET_COMPILERS_PERCENT);
        }

        /** The CPU time of the JIT compiler threads of each JVM, in milliseconds, by thread id. */
        private List<Map<Long, Double>> threads() {
            List<Map<Long, Double>> all = new ArrayList<>(jvms.length);
            for (long jvm : jvms) {
                Map<Long, Double> threads = new HashMap<>();
                CpuTime.ofCompilerThreads(jvm, threads);
                all.add(threads);
            }
            return all;
        }
    }

    /** {@code threads} workers, each calling again as soon as its call returned, for {@code seconds}. */
    static Run closedLoop(int threads, int seconds, Worker worker) throws InterruptedException {
        double load = Console.loadAverage();
        Latencies latencies = new Latencies();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int w = t;
            running.add(start(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        worker.call(w);
                        latencies.record(System.nanoTime() - t0);
                        completed.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        if (firstErrors.size() < 3) {
                            firstErrors.add(e.toString());
                        }
                    }
                }
            }));
        }
        for (Thread thread : running) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (errors.get() > 0) {
            step("  " + errors.get() + " failed calls, e.g. " + firstErrors);
        }
        step("  " + completed.get() + " calls in " + fmt(elapsed) + " s = " + fmt(completed.get() / elapsed)
                + "/s, p50 " + fmt(latencies.percentileMillis(50)) + " ms, p99 "
                + fmt(latencies.percentileMillis(99)) + " ms (load " + load + ")");
        return new Run(completed.get(), errors.get(), elapsed, latencies, load);
    }

    /** Starts {@code body} on a thread of its own. */
    static Thread start(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }
}
