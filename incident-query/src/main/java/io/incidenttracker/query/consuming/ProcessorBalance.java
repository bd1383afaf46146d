package io.incidenttracker.query.consuming;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.springboot.TokenStoreProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Splits the processors between the query instances that share one query database, and moves them when an instance
 * dies or joins.
 * <p>
 * Each processor is a tracking processor whose segments are claimed in the token table: an instance applies a segment
 * only while it holds its claim, extends the claim as it goes, and any instance takes over a claim left unextended for
 * the claim timeout ({@code axon.eventhandling.tokenstore.claim-timeout}) or released. Left to that alone, the first
 * instance to start claims everything and the others only answer reads. So every
 * {@code incident-query.processors.balance-interval} each instance writes its row in {@code query_instance}, counts
 * the instances seen lately (within three intervals, at most half the claim timeout), and when it holds more segments than its share (all segments of all
 * processors divided by the live instances, rounded up) it releases one: its processor finishes the batch under way,
 * commits it with its token, gives the claim up and leaves it alone for a few claim intervals, in which another
 * instance claims it. An instance that stops deletes its row; its claims end with its processors (or, if it was
 * killed, with the claim timeout) and the others claim them.
 * <p>
 * The claim decides who applies a segment, never this balance: a release only hands work over, and two instances can
 * never apply one segment at once. The audit ledger stays one segment, so it has one writer at a time.
 */
@Component
public class ProcessorBalance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProcessorBalance.class);

    private final JdbcTemplate jdbc;
    private final EventProcessingConfiguration processing;
    private final String instanceId;
    /** This instance's own name for claims it holds through a restart of their processor from the start. */
    private final String resettingOwner;
    private final Duration interval;
    private final Duration claimTimeout;
    /** Processors this instance released, with the end of the release period (milliseconds since the epoch). */
    private final Map<String, Long> released = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    public ProcessorBalance(JdbcTemplate jdbc, EventProcessingConfiguration processing, ProcessorProperties properties,
                            TokenStoreProperties tokens) {
        this.jdbc = jdbc;
        this.processing = processing;
        this.instanceId = properties.instanceId();
        this.resettingOwner = properties.resettingOwner();
        this.interval = properties.balanceInterval();
        this.claimTimeout = tokens.getClaimTimeout();
    }

    /** This instance's name as the owner of its claims. */
    public String instanceId() {
        return instanceId;
    }

    /** Says this instance is alive; releases one segment when it holds more than its share. */
    void balance() {
        jdbc.update("""
                INSERT INTO query_instance (instance_id, seen_at) VALUES (?, now())
                ON CONFLICT (instance_id) DO UPDATE SET seen_at = now()""", instanceId);
        Integer alive = jdbc.queryForObject(
                "SELECT count(*) FROM query_instance WHERE seen_at >= now() - make_interval(secs => ?)",
                Integer.class, aliveWithin().toMillis() / 1000.0);
        jdbc.update("DELETE FROM query_instance WHERE seen_at < now() - make_interval(secs => ?)",
                    claimTimeout.toMillis() / 100.0);
        Integer segments = jdbc.queryForObject(
                "SELECT count(*) FROM token_entry WHERE processor_name = ANY (?)", Integer.class,
                (Object) ProcessorFirstStart.PROCESSORS.toArray(String[]::new));
        liftHoldsTakenOver();
        if (alive == null || alive < 2 || segments == null) {
            return;
        }
        int share = (segments + alive - 1) / alive;
        List<Held> held = held();
        if (held.size() <= share) {
            return;
        }
        Held release = held.get(held.size() - 1);
        if (released.getOrDefault(release.processor().getName(), 0L) > System.currentTimeMillis()) {
            return; // released already: its processor finishes the batch in hand first
        }
        long releaseFor = releaseFor();
        log.info("Holding {} of {} processor segments with {} instances alive: releasing {} segment {} for {} ms",
                 held.size(), segments, alive, release.processor().getName(), release.segment(), releaseFor);
        release.processor().releaseSegment(release.segment(), releaseFor, TimeUnit.MILLISECONDS);
        released.put(release.processor().getName(), System.currentTimeMillis() + releaseFor);
    }

    /**
     * Once another instance holds a processor this one released, this one may claim it again at once: should that
     * instance die, the processor's takeover is bounded by the claim timeout, not by the rest of the release period.
     */
    private void liftHoldsTakenOver() {
        for (String name : List.copyOf(released.keySet())) {
            List<String> owners = jdbc.queryForList(
                    "SELECT owner FROM token_entry WHERE processor_name = ? AND segment = 0", String.class, name);
            if (owners.stream().anyMatch(owner -> owner != null && !Objects.equals(owner, instanceId)
                    && !Objects.equals(owner, resettingOwner))) {
                processing.eventProcessor(name, TrackingEventProcessor.class)
                        .ifPresent(processor -> processor.releaseSegment(0, 0, TimeUnit.MILLISECONDS));
                released.remove(name);
            }
        }
    }

    /**
     * An instance counts as alive when it wrote its row within three balance intervals, and at most half the claim
     * timeout: an instance that was killed stops counting before its claims lapse, so the instance that takes them over
     * does not give one of them back to the dead one's share.
     */
    private Duration aliveWithin() {
        Duration threeRounds = interval.multipliedBy(3);
        Duration halfClaim = claimTimeout.dividedBy(2);
        return threeRounds.compareTo(halfClaim) < 0 ? threeRounds : halfClaim;
    }

    /** Long enough for another instance to claim it (a few of its claim intervals); then it may come back here. */
    private long releaseFor() {
        return Math.max(interval.toMillis(), 1000) * 3 + claimTimeout.toMillis();
    }

    private record Held(TrackingEventProcessor processor, int segment) {
    }

    private List<Held> held() {
        List<Held> held = new ArrayList<>();
        for (String name : ProcessorFirstStart.PROCESSORS) {
            processing.eventProcessor(name, TrackingEventProcessor.class).ifPresent(processor ->
                    processor.processingStatus().keySet().stream().sorted()
                            .forEach(segment -> held.add(new Held(processor, segment))));
        }
        return held;
    }

    private void balanceLogged() {
        try {
            balance();
        } catch (RuntimeException e) {
            log.warn("Balancing the processors failed; trying again in {}", interval, e);
        }
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "processor-balance");
            thread.setDaemon(true);
            return thread;
        });
        running = true;
        scheduler.scheduleWithFixedDelay(this::balanceLogged, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                jdbc.update("DELETE FROM query_instance WHERE instance_id = ?", instanceId);
            } catch (RuntimeException e) {
                log.warn("Could not remove this instance from query_instance; its row ages out", e);
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
