package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Checkpoint;
import io.incidenttracker.audit.verify.Hex;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Signs checkpoints of the ledger tree: at a fixed interval when the ledger grew, and on demand. Before signing it
 * checks that the tree still has the root the latest checkpoint signed for its size: a ledger that disagrees with its
 * own signed past is never signed again (that would launder a change), it raises an alarm instead. Every new
 * checkpoint is stored, then published to each {@link CheckpointPublisher}; a failed publication is retried on the
 * next tick.
 */
public class CheckpointService implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CheckpointService.class);

    private final LedgerTree tree;
    private final CheckpointStore store;
    private final AuditSigningKey key;
    private final String origin;
    private final List<CheckpointPublisher> publishers;
    private final TransactionTemplate transactions;
    private final Duration interval;
    private final Clock clock;
    private final Map<CheckpointPublisher, ArrayDeque<SignedCheckpoint>> unpublished = new LinkedHashMap<>();
    private final Counter signed;
    private final Counter publicationFailures;
    private volatile String alarm;
    private ScheduledExecutorService scheduler;

    public CheckpointService(LedgerTree tree, CheckpointStore store, AuditSigningKey key, String origin,
                             List<CheckpointPublisher> publishers, TransactionTemplate transactions,
                             Duration interval, Clock clock, MeterRegistry meterRegistry) {
        this.tree = tree;
        this.store = store;
        this.key = key;
        this.origin = origin;
        this.publishers = List.copyOf(publishers);
        this.transactions = transactions;
        this.interval = interval;
        this.clock = clock;
        publishers.forEach(p -> unpublished.put(p, new ArrayDeque<>()));
        this.signed = Counter.builder("incident.audit.checkpoints")
                .description("Checkpoints signed").register(meterRegistry);
        this.publicationFailures = Counter.builder("incident.audit.checkpoint.publication.failures")
                .description("Failed attempts to publish a checkpoint outside the database")
                .register(meterRegistry);
    }

    /** The outcome of a signing attempt: the latest checkpoint and whether it was signed just now. */
    public record Outcome(Optional<SignedCheckpoint> checkpoint, boolean created) {
    }

    /** Signs a checkpoint of the whole committed ledger if it grew since the latest one. */
    public synchronized Outcome signIfGrown() {
        tree.catchUp();
        Outcome outcome = transactions.execute(status -> {
            store.lockForSigning();
            Optional<SignedCheckpoint> latest = store.latest();
            if (latest.isPresent() && latest.get().treeSize() > tree.size()) {
                tree.catchUp();
            }
            long size = tree.size();
            if (latest.isPresent() && !agreesWithTree(latest.get())) {
                return new Outcome(latest, false);
            }
            if (size == 0 || latest.isPresent() && latest.get().treeSize() == size) {
                return new Outcome(latest, false);
            }
            byte[] root = tree.rootHash(size);
            Checkpoint checkpoint = new Checkpoint(origin, size, root);
            SignedCheckpoint signedCheckpoint = new SignedCheckpoint(size, root,
                    clock.instant().truncatedTo(ChronoUnit.MICROS), checkpoint.text(), key.sign(checkpoint.bytes()),
                    key.rawPublicKey());
            store.insert(signedCheckpoint);
            return new Outcome(Optional.of(signedCheckpoint), true);
        });
        if (outcome.created()) {
            signed.increment();
            SignedCheckpoint checkpoint = outcome.checkpoint().orElseThrow();
            log.debug("Signed checkpoint {} {}", checkpoint.treeSize(), checkpoint.rootHashHex());
            unpublished.values().forEach(queue -> queue.add(checkpoint));
            publishPending();
        }
        return outcome;
    }

    /** What the last refused tile said, for the alarm. */
    private String tileProblem;

    /** The root of the first {@code size} entries, or null when a tile it needs was changed in the table. */
    private byte[] rootOrNull(long size) {
        try {
            return tree.rootHash(size);
        } catch (LedgerTree.TileMismatch e) {
            tileProblem = e.getMessage();
            return null;
        }
    }

    private boolean agreesWithTree(SignedCheckpoint latest) {
        String problem = null;
        if (latest.treeSize() > tree.size()) {
            problem = "the ledger holds " + tree.size() + " entries but the latest checkpoint signed "
                    + latest.treeSize();
        } else if (!Arrays.equals(rootOrNull(latest.treeSize()), latest.rootHash())) {
            byte[] root = rootOrNull(latest.treeSize());
            problem = root == null
                    ? "the ledger's first " + latest.treeSize() + " entries no longer give a root: " + tileProblem
                    : "the ledger's first " + latest.treeSize() + " entries have root " + Hex.encode(root)
                            + ", not the signed " + latest.rootHashHex();
        } else if (!latest.verifiesWith(key.rawPublicKey())) {
            problem = "the latest checkpoint's signature does not verify with this service's key";
        }
        if (problem != null) {
            if (alarm == null) {
                log.error("AUDIT LEDGER ALARM: {}. No further checkpoint is signed until this is resolved.", problem);
            }
            alarm = problem;
            return false;
        }
        alarm = null;
        return true;
    }

    /** Why the ledger is not being signed, or null when all is well. */
    public String alarm() {
        return alarm;
    }

    public Optional<SignedCheckpoint> latest() {
        return store.latest();
    }

    public byte[] publicKey() {
        return key.rawPublicKey();
    }

    /** Publishes what is still unpublished, in order, per publisher; stops at a publisher's first failure. */
    public synchronized void publishPending() {
        for (Map.Entry<CheckpointPublisher, ArrayDeque<SignedCheckpoint>> entry : unpublished.entrySet()) {
            ArrayDeque<SignedCheckpoint> queue = entry.getValue();
            while (!queue.isEmpty()) {
                try {
                    entry.getKey().publish(queue.peek());
                    queue.poll();
                } catch (Exception e) {
                    publicationFailures.increment();
                    log.warn("Could not publish checkpoint {} to {} ({} waiting); retrying at the next tick: {}",
                             queue.peek().treeSize(), entry.getKey().name(), queue.size(), e.toString());
                    break;
                }
            }
        }
    }

    private void tick() {
        try {
            signIfGrown();
            publishPending();
        } catch (RuntimeException e) {
            log.warn("Checkpoint signing failed; retrying at the next tick", e);
        }
    }

    @Override
    public synchronized void start() {
        tree.catchUp();
        store.latest().ifPresent(this::agreesWithTree);
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "audit-checkpoints");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this) {
            running = scheduler;
            scheduler = null;
        }
        if (running != null) {
            running.shutdown();
            try {
                running.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** Current time for callers that stamp exports. */
    public Instant now() {
        return clock.instant();
    }
}
