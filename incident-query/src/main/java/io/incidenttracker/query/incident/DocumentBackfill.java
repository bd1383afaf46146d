package io.incidenttracker.query.incident;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Renders the incident details that catch-up batches dropped ({@link ViewDocuments}), once the projection has caught
 * up: when no catch-up batch has committed for {@link ViewProperties#backfillInterval}, one pass over the incidents in
 * id order renders each missing detail, {@link ViewProperties#backfillChunk} per transaction, each incident's row
 * locked while its detail is rendered. A pass gives way as soon as a catch-up batch commits again, and is repeated
 * until a pass that no catch-up batch interrupted finds no detail missing. The first pass after the service starts
 * finds what a previous run left missing. When the catch-ups since the last time dropped
 * {@link ViewProperties#vacuumAfterDropped} details or more, the pass first has {@link ProjectionVacuum} analyse the
 * projection's tables and vacuum those the catch-up left full of dead rows.
 * <p>
 * Meanwhile a read of a missing detail renders it from the tables: no answer is ever stale, only slower.
 */
@Component
public class DocumentBackfill implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DocumentBackfill.class);
    private static final Duration LOG_FAILURE_EVERY = Duration.ofMinutes(1);

    private final ViewDocuments documents;
    private final ViewProperties properties;
    private final ProjectionVacuum vacuum;
    private final TransactionTemplate transactions;
    private final Counter rendered;
    private ScheduledExecutorService scheduler;
    /** The count of catch-up batches that the latest complete pass settled. */
    private volatile long settled;
    /** The count of details dropped when the tables were last vacuumed. */
    private long droppedAtVacuum;
    private long lastFailureLogged;

    public DocumentBackfill(ViewDocuments documents, ViewProperties properties, ProjectionVacuum vacuum,
                            PlatformTransactionManager transactionManager, MeterRegistry meterRegistry) {
        this.documents = documents;
        this.properties = properties;
        this.vacuum = vacuum;
        this.transactions = new TransactionTemplate(transactionManager);
        this.rendered = Counter.builder("incident.documents.backfilled")
                .description("Incident details rendered after a catch-up had dropped them").register(meterRegistry);
        Gauge.builder("incident.documents.owed", this, backfill -> backfill.owed() ? 1 : 0)
                .description("1 while details that a catch-up dropped may still be missing, 0 once a complete pass "
                                     + "found none missing")
                .register(meterRegistry);
    }

    /** Whether details may be missing: a catch-up batch committed since the latest complete pass began. */
    public boolean owed() {
        return documents.catchUps() > settled;
    }

    /**
     * One pass, if details are owed and no catch-up batch committed within the interval; returns the details
     * rendered. The scheduler calls it; tests may too.
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
            List<UUID> chunk = transactions.execute(status -> documents.renderMissing(from, properties.backfillChunk()));
            if (chunk == null || chunk.isEmpty()) {
                break;
            }
            done += chunk.size();
            rendered.increment(chunk.size());
            after = chunk.get(chunk.size() - 1);
            if (documents.catchUps() != catchUps) {
                log.debug("Stored details: backfill paused after {} by a catch-up batch", done);
                return done;
            }
        }
        // a detail skipped because a batch held its incident is that batch's: missing still only if it dropped it
        if (documents.catchUps() == catchUps && !Boolean.TRUE.equals(transactions.execute(s -> documents.anyMissing()))) {
            settled = catchUps;
        }
        if (done > 0) {
            log.info("Stored details: rendered {} that a catch-up had dropped", done);
        }
        return done;
    }

    private void tick() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            long now = System.nanoTime();
            if (now - lastFailureLogged > LOG_FAILURE_EVERY.toNanos() || lastFailureLogged == 0) {
                lastFailureLogged = now;
                log.warn("Stored details: backfill failed, retried every {} (reads render missing details "
                                 + "meanwhile)", properties.backfillInterval(), e);
            }
        }
    }

    @Override
    public synchronized void start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "document-backfill");
                thread.setDaemon(true);
                return thread;
            });
            long interval = properties.backfillInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
