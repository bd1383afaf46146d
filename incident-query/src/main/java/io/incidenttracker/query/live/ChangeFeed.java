package io.incidenttracker.query.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads the change log in id order and hands each new change to every open stream. One dispatcher thread reads; it
 * is woken by the local projection's commits ({@link ViewChangeListener}) and reads at least every
 * {@code incident-query.stream.poll} anyway (changes another instance logged). It never waits for a client: each
 * stream has a queue of its own, and a stream that falls too far behind ({@code client-max-lag},
 * {@code client-queue}) is dropped (its client reconnects and catches up from the log). Also prunes the log to its
 * retention.
 */
@Component
public class ChangeFeed implements ViewChangeListener, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int PAGE = 1000;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

    /** Where the log stands: the last id handed out, and every id up to {@code retainedAfter} pruned. */
    record Position(long lastId, long retainedAfter) {
    }

    private final JdbcTemplate jdbc;
    private final StreamProperties properties;
    private final Set<StreamSubscription> subscribers = ConcurrentHashMap.newKeySet();
    private final Semaphore wakeUp = new Semaphore(0);
    /** Guards {@link #lastDispatched} together with the set of subscribers a batch goes to. */
    private final Object dispatchLock = new Object();
    private long lastDispatched;
    private volatile boolean running;
    private Thread dispatcher;
    private Instant nextPrune = Instant.EPOCH;
    private final Counter dropped;

    public ChangeFeed(JdbcTemplate jdbc, StreamProperties properties, MeterRegistry meterRegistry) {
        this.jdbc = jdbc;
        this.properties = properties;
        Gauge.builder("incident.stream.open", subscribers, Set::size)
                .description("Open event streams (GET /api/stream)").register(meterRegistry);
        this.dropped = Counter.builder("incident.stream.dropped")
                .description("Streams disconnected because their client fell too far behind").register(meterRegistry);
    }

    @Override
    public void viewsChanged(List<ViewChange> changes) {
        wakeUp.release();
    }

    @Override
    public void start() {
        synchronized (dispatchLock) {
            lastDispatched = position().lastId();
        }
        running = true;
        dispatcher = Thread.ofPlatform().name("change-feed").daemon().start(this::dispatchLoop);
    }

    @Override
    public void stop() {
        running = false;
        wakeUp.release();
        subscribers.forEach(StreamSubscription::close);
        if (dispatcher != null) {
            try {
                dispatcher.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void dispatchLoop() {
        while (running) {
            try {
                wakeUp.tryAcquire(properties.poll().toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
                dispatchNew();
                dropTheFarBehind();
                pruneWhenDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // the database is away for a moment: the next round reads from where this one stood
                log.warn("Reading the change log failed; retrying", e);
                sleep();
            }
        }
    }

    /** Hands every change logged after the last dispatched one to the open streams, page by page. */
    void dispatchNew() {
        long after;
        synchronized (dispatchLock) {
            after = lastDispatched;
        }
        while (true) {
            List<LoggedChange> page = read(after, Long.MAX_VALUE, PAGE);
            if (page.isEmpty()) {
                return;
            }
            List<StreamSubscription> targets;
            synchronized (dispatchLock) {
                lastDispatched = page.get(page.size() - 1).id();
                targets = List.copyOf(subscribers);
            }
            ChangePage shared = new ChangePage(page);
            for (StreamSubscription subscriber : targets) {
                if (subscriber.offer(shared)) {
                    dropped.increment();
                }
            }
            after = lastDispatched;
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    /** Also between changes: a stream still stuck on what it was handed long ago goes. */
    private void dropTheFarBehind() {
        for (StreamSubscription subscriber : subscribers) {
            if (subscriber.tooFarBehind()) {
                subscriber.close();
                dropped.increment();
            }
        }
    }

    /**
     * Registers a stream; answers the id up to which it must read the log itself (its catch-up), every later change
     * reaching its queue.
     */
    long subscribe(StreamSubscription subscriber) {
        synchronized (dispatchLock) {
            subscribers.add(subscriber);
            return lastDispatched;
        }
    }

    void unsubscribe(StreamSubscription subscriber) {
        subscribers.remove(subscriber);
    }

    /** The changes after {@code after} up to {@code upTo}, at most {@code limit}, in id order. */
    List<LoggedChange> read(long after, long upTo, int limit) {
        return jdbc.query("""
                SELECT id, kind, incident_id, payload FROM view_change WHERE id > ? AND id <= ? ORDER BY id LIMIT ?""",
                (rs, i) -> new LoggedChange(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class),
                                            rs.getString(4)),
                after, upTo, limit);
    }

    Position position() {
        return jdbc.queryForObject("SELECT last_id, retained_after FROM view_change_position",
                                   (rs, i) -> new Position(rs.getLong(1), rs.getLong(2)));
    }

    StreamProperties properties() {
        return properties;
    }

    private void pruneWhenDue() {
        Instant now = Instant.now();
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plus(PRUNE_EVERY);
        prune(properties.retention());
    }

    /**
     * Deletes the changes logged longer ago than {@code retention} and moves the retention horizon past them, in one
     * transaction; answers how many went. A client resuming from below the horizon is told to reset.
     */
    public int prune(Duration retention) {
        Integer pruned = jdbc.queryForObject("""
                WITH horizon AS (
                    SELECT max(id) AS id FROM view_change WHERE logged_at < now() - make_interval(secs => ?)),
                gone AS (
                    DELETE FROM view_change WHERE id <= (SELECT id FROM horizon) RETURNING id),
                moved AS (
                    UPDATE view_change_position SET retained_after = (SELECT id FROM horizon)
                    WHERE (SELECT id FROM horizon) > retained_after RETURNING 1)
                SELECT count(*)::int FROM gone""", Integer.class, retention.toMillis() / 1000.0);
        if (pruned != null && pruned > 0) {
            log.info("Pruned {} changes older than {} from the change log", pruned, retention);
        }
        return pruned == null ? 0 : pruned;
    }

    private void sleep() {
        try {
            Thread.sleep(properties.poll().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
