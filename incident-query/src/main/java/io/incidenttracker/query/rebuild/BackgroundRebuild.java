package io.incidenttracker.query.rebuild;

import io.incidenttracker.query.incident.IncidentHistoryFeed;
import io.incidenttracker.query.incident.ViewDocuments;
import io.swagger.v3.oas.annotations.media.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Rebuilds the status projections without downtime. New tables are built in the schema {@code projection_rebuild}
 * from the event history, by the projection's own code, while the tables in {@code public} keep answering and the
 * live processor keeps writing them. When the new tables have caught up, one transaction locks the live incident
 * table (the live processor waits a moment), applies what arrived meanwhile, checks that the history holds everything
 * the live tables know, and swaps the new tables in (the old ones are dropped). Events the live processor delivers
 * afterwards that the new tables already hold are ignored by the per-incident sequence check.
 * <p>
 * Progress (events done, events per second, estimated time left) is kept for the admin endpoint and logged every
 * few seconds. One rebuild at a time.
 */
@Component
public class BackgroundRebuild implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BackgroundRebuild.class);
    private static final int BATCH = 500;
    private static final Duration LOG_EVERY = Duration.ofSeconds(5);
    private static final Duration RETRY_SWAP_AFTER = Duration.ofMillis(200);

    public enum Phase { IDLE, BUILDING, SWAPPING, DONE, FAILED }

    /** Where a rebuild stands. */
    public record Progress(Phase phase, long eventsDone, long eventsTotal, double eventsPerSecond,
                           @Schema(nullable = true, description = "While the rate is known") Long secondsLeft,
                           @Schema(nullable = true) Instant startedAt,
                           @Schema(nullable = true) Instant finishedAt,
                           @Schema(nullable = true) String failure) {
    }

    private final IncidentHistoryFeed history;
    private final JdbcTemplate jdbc;
    private final ViewDocuments documents;
    private final TransactionTemplate transactions;
    private final Clock clock = Clock.systemUTC();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "projection-rebuild");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Progress progress = new Progress(Phase.IDLE, 0, 0, 0, null, null, null, null);

    public BackgroundRebuild(IncidentHistoryFeed history, JdbcTemplate jdbc,
                             PlatformTransactionManager transactionManager, ViewDocuments documents) {
        this.history = history;
        this.documents = documents;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    public Progress progress() {
        return progress;
    }

    /** Starts a rebuild; false if one is under way. */
    public synchronized boolean start() {
        Phase phase = progress.phase();
        if (phase == Phase.BUILDING || phase == Phase.SWAPPING) {
            return false;
        }
        progress = new Progress(Phase.BUILDING, 0, history.countAfter(0), 0, null, clock.instant(), null, null);
        worker.submit(this::run);
        return true;
    }

    private void run() {
        Instant started = progress.startedAt();
        try {
            String[] tables = IncidentHistoryFeed.PROJECTION_TABLES.toArray(String[]::new);
            transactions.executeWithoutResult(status ->
                    jdbc.queryForList("SELECT prepare_projection_rebuild(?)", (Object) tables));
            log.warn("Rebuilding the status projections in the background from {} events of the history",
                     progress.eventsTotal());
            long position = 0;
            long done = 0;
            Instant lastLog = started;
            while (true) {
                long after = position;
                IncidentHistoryFeed.Batch batch = inRebuildTables(() -> history.feed(after, BATCH));
                position = batch.lastPosition();
                done += batch.events();
                update(Phase.BUILDING, done, done + history.countAfter(position), started);
                if (Duration.between(lastLog, clock.instant()).compareTo(LOG_EVERY) >= 0) {
                    lastLog = clock.instant();
                    log(progress);
                }
                if (batch.events() < BATCH) {
                    update(Phase.SWAPPING, done, progress.eventsTotal(), started);
                    SwapResult swap = trySwap(position, tables);
                    done += swap.events();
                    position = swap.position();
                    if (swap.swapped()) {
                        break;
                    }
                    update(Phase.BUILDING, done, done + history.countAfter(position), started);
                    Thread.sleep(RETRY_SWAP_AFTER.toMillis());
                }
            }
            Progress finished = progress;
            progress = new Progress(Phase.DONE, done, done, finished.eventsPerSecond(), 0L, started,
                                    clock.instant(), null);
            log.warn("Rebuilt the status projections in the background: {} events in {}, swapped in", done,
                     Duration.between(started, progress.finishedAt()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Progress failed = progress;
            progress = new Progress(Phase.FAILED, failed.eventsDone(), failed.eventsTotal(), failed.eventsPerSecond(),
                                    null, started, clock.instant(), String.valueOf(e.getMessage()));
            log.error("The background rebuild of the status projections failed; the live tables are untouched", e);
        }
    }

    private record SwapResult(boolean swapped, long position, long events) {
    }

    /**
     * With the live incident table locked: the rest of the history into the new tables, then the swap, if the
     * history holds all the live tables know (else the history is behind the live processor: try again soon).
     */
    private SwapResult trySwap(long from, String[] tables) {
        return transactions.execute(status -> {
            jdbc.execute("LOCK TABLE public.incident IN ACCESS EXCLUSIVE MODE");
            jdbc.execute("SET LOCAL search_path TO projection_rebuild, public");
            long position = from;
            long events = 0;
            IncidentHistoryFeed.Batch batch;
            do {
                batch = history.feed(position, BATCH);
                position = batch.lastPosition();
                events += batch.events();
            } while (batch.events() > 0);
            boolean covered = history.coversLiveProjection();
            if (covered) {
                jdbc.queryForList("SELECT swap_projection_rebuild(?)", (Object) tables);
                documents.allChanged();
            }
            return new SwapResult(covered, position, events);
        });
    }

    /** Runs the work in a transaction whose unqualified table names mean the new tables. */
    private <T> T inRebuildTables(Supplier<T> work) {
        return transactions.execute(status -> {
            jdbc.execute("SET LOCAL search_path TO projection_rebuild, public");
            return work.get();
        });
    }

    private void update(Phase phase, long done, long total, Instant started) {
        double seconds = Math.max(0.001, Duration.between(started, clock.instant()).toMillis() / 1000.0);
        double rate = done / seconds;
        Long left = rate > 0 ? Math.round(Math.max(0, total - done) / rate) : null;
        progress = new Progress(phase, done, total, Math.round(rate * 10) / 10.0, left, started, null, null);
    }

    private static void log(Progress progress) {
        log.info("Background rebuild: {} of {} events, {} events/s, about {} s left", progress.eventsDone(),
                 progress.eventsTotal(), progress.eventsPerSecond(), progress.secondsLeft());
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
    }
}
