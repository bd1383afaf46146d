package io.incidenttracker.query.incident;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Renders and stores the incident details that the projection's transactions marked pending ({@link ViewDocuments}),
 * on a thread of its own:
 * <ul>
 *     <li><b>right after each live batch commits</b>: the details it marked are queued, and the thread takes what is
 *     queued, {@link ViewProperties#renderChunk} per transaction, so that details changed by several batches
 *     meanwhile are rendered once;</li>
 *     <li><b>in passes, after catch-ups</b>: when no catch-up batch has committed for
 *     {@link ViewProperties#backfillInterval}, one pass over the incidents in id order renders every pending detail,
 *     a chunk per transaction. A pass gives way as soon as a catch-up batch commits again, renders what live batches
 *     queued between its chunks, and is repeated until a pass that no catch-up batch interrupted has gone through.
 *     The first pass after the service starts finds what a previous run left pending; a rendering that
 *     failed calls for a pass too. When the catch-ups since the last time marked
 *     {@link ViewProperties#vacuumAfterDropped} details or more, the pass first has {@link ProjectionVacuum} analyse
 *     the projection's tables and vacuum those the catch-up left full of dead rows.</li>
 *     <li><b>after a sweep</b>: every {@link #SWEEP_EVERY} intervals the thread samples the pending rows; one that
 *     was pending at the sample before too (an instance stopped between a batch's commit and its rendering, whose
 *     queue went with it) calls for a pass.</li>
 * </ul>
 * Meanwhile a read of a pending detail renders it from the tables: no answer is ever stale, only slower.
 */
@Component
public class DetailRenderer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DetailRenderer.class);
    private static final Duration LOG_FAILURE_EVERY = Duration.ofMinutes(1);
    /** Backfill intervals between two samples of the pending rows. */
    static final int SWEEP_EVERY = 4;
    /** Pending rows sampled per sweep. */
    private static final int SWEEP_SAMPLE = 100;

    private final ViewDocuments documents;
    private final ViewProperties properties;
    private final ProjectionVacuum vacuum;
    private final TransactionTemplate transactions;
    private final Counter rendered;
    private final Counter backfilled;
    private final Timer lag;
    private Thread thread;
    private volatile boolean running;
    /** The count of catch-up batches that the latest complete pass settled. */
    private volatile long settled;
    /** The count of details marked by catch-ups when the tables were last vacuumed. */
    private long droppedAtVacuum;
    private long lastFailureLogged;
    /** The pending rows of the latest sweep. */
    private Set<UUID> swept = Set.of();
    private long lastSweepLogged;

    public DetailRenderer(ViewDocuments documents, ViewProperties properties, ProjectionVacuum vacuum,
                          PlatformTransactionManager transactionManager, MeterRegistry meterRegistry) {
        this.documents = documents;
        this.properties = properties;
        this.vacuum = vacuum;
        this.transactions = new TransactionTemplate(transactionManager);
        this.rendered = Counter.builder("incident.documents.rendered")
                .description("Incident details rendered right after the batch that changed them committed")
                .register(meterRegistry);
        this.lag = Timer.builder("incident.documents.render.lag")
                .description("From the commit of a batch that changed an incident's detail to the commit of its "
                                     + "rendering (reads render a pending detail from the tables meanwhile)")
                .publishPercentiles(0.5, 0.99)
                .register(meterRegistry);
        this.backfilled = Counter.builder("incident.documents.backfilled")
                .description("Incident details rendered by a pass after a catch-up had marked them pending")
                .register(meterRegistry);
        Gauge.builder("incident.documents.owed", this, renderer -> renderer.owed() ? 1 : 0)
                .description("1 while details may be pending (queued for rendering, or marked by a catch-up since "
                                     + "the latest complete pass), 0 otherwise")
                .register(meterRegistry);
        Gauge.builder("incident.documents.queued", documents, ViewDocuments::queuedCount)
                .description("Incident details queued for rendering after their batch committed")
                .register(meterRegistry);
    }

    /** Whether details may be pending: queued, or a catch-up batch committed since the latest complete pass began. */
    public boolean owed() {
        return documents.catchUps() > settled || documents.queuedCount() > 0;
    }

    /**
     * Renders what is queued now, a chunk per transaction, without waiting; returns the details rendered.
     */
    int renderQueued() {
        int done = 0;
        while (true) {
            List<ViewDocuments.Queued> chunk;
            try {
                chunk = documents.takeQueued(properties.renderChunk(), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return done;
            }
            if (chunk.isEmpty()) {
                return done;
            }
            done += render(chunk);
        }
    }

    private int render(List<ViewDocuments.Queued> chunk) {
        List<UUID> ids = chunk.stream().map(ViewDocuments.Queued::incidentId).toList();
        List<UUID> stored;
        try {
            stored = transactions.execute(status -> documents.renderPending(ids));
        } catch (RuntimeException e) {
            documents.owePass(); // their rows stay pending: the next pass renders them
            throw e;
        }
        if (stored == null || stored.isEmpty()) {
            return 0;
        }
        long now = System.nanoTime();
        Set<UUID> done = Set.copyOf(stored);
        chunk.stream().filter(queued -> done.contains(queued.incidentId()))
                .forEach(queued -> lag.record(now - queued.queuedNanos(), TimeUnit.NANOSECONDS));
        rendered.increment(stored.size());
        return stored.size();
    }

    /**
     * One pass, if one is owed and no catch-up batch committed within the interval; returns the details rendered
     * by the pass. The thread calls it; tests may too.
     */
    int runOnce() {
        long catchUps = documents.catchUps();
        if (catchUps <= settled
                || System.nanoTime() - documents.lastCatchUpNanos() < properties.backfillInterval().toNanos()) {
            return 0;
        }
        long dropped = documents.dropped();
        if (properties.vacuumDue(dropped - droppedAtVacuum)) {
            droppedAtVacuum = dropped;
            vacuum.runLogged();
            if (documents.catchUps() != catchUps) {
                return 0; // caught up no longer: the pass waits until the catch-up ends again
            }
        }
        int done = 0;
        UUID after = ViewDocuments.FIRST;
        while (true) {
            UUID from = after;
            List<UUID> chunk = transactions.execute(
                    status -> documents.renderPendingAfter(from, properties.backfillChunk()));
            if (chunk == null || chunk.isEmpty()) {
                break;
            }
            done += chunk.size();
            backfilled.increment(chunk.size());
            after = chunk.get(chunk.size() - 1);
            if (documents.catchUps() != catchUps) {
                log.debug("Stored details: pass paused after {} by a catch-up batch", done);
                return done;
            }
            renderQueued(); // what live batches changed meanwhile does not wait for the end of the pass
        }
        // every row pending when the pass began is rendered, or was held by a batch, which queues it once it ends
        // (or counts a catch-up, which calls for another pass); rows pending now are live batches' (the sweep is the
        // backstop)
        if (documents.catchUps() == catchUps) {
            settled = catchUps;
        }
        if (done > 0) {
            log.info("Stored details: rendered {} that a catch-up had marked pending", done);
        }
        return done;
    }

    /**
     * Samples the pending rows; calls for a pass when one was pending at the sample before too. The thread calls it
     * every {@link #SWEEP_EVERY} intervals. Returns whether it called for one.
     */
    boolean sweep() {
        Set<UUID> pending = Set.copyOf(documents.pendingSample(SWEEP_SAMPLE));
        boolean stale = pending.stream().anyMatch(swept::contains);
        swept = pending;
        if (stale) {
            long now = System.nanoTime();
            if (now - lastSweepLogged > LOG_FAILURE_EVERY.toNanos() || lastSweepLogged == 0) {
                lastSweepLogged = now;
                log.info("Stored details: details pending since the latest sweep, which no rendering took (an "
                                 + "instance stopped before rendering them, or the renderer is far behind); a pass "
                                 + "renders them");
            }
            documents.owePass();
        }
        return stale;
    }

    private void loop() {
        long interval = properties.backfillInterval().toNanos();
        long nextPass = System.nanoTime() + interval;
        long nextSweep = System.nanoTime() + SWEEP_EVERY * interval;
        while (running) {
            try {
                List<ViewDocuments.Queued> chunk = documents.takeQueued(properties.renderChunk(),
                                                                        Math.max(0, nextPass - System.nanoTime()));
                if (!chunk.isEmpty()) {
                    render(chunk);
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    nextSweep = System.nanoTime() + SWEEP_EVERY * interval;
                    sweep();
                }
                if (System.nanoTime() - nextPass >= 0) {
                    runOnce();
                    nextPass = System.nanoTime() + interval;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failed(e);
                nextPass = System.nanoTime() + interval;
                if (!pause(interval)) {
                    return;
                }
            }
        }
    }

    private void failed(RuntimeException e) {
        long now = System.nanoTime();
        if (now - lastFailureLogged > LOG_FAILURE_EVERY.toNanos() || lastFailureLogged == 0) {
            lastFailureLogged = now;
            log.warn("Stored details: rendering failed, a pass retries every {} (reads render pending details "
                             + "meanwhile)", properties.backfillInterval(), e);
        }
    }

    private static boolean pause(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public synchronized void start() {
        if (thread == null) {
            running = true;
            thread = new Thread(this::loop, "detail-renderer");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Override
    public synchronized void stop() {
        if (thread != null) {
            running = false;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return thread != null;
    }
}
