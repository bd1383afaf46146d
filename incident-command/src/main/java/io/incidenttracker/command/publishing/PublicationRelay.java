package io.incidenttracker.command.publishing;

import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Carries committed events from the event store to Kafka, at least once, in each incident's order.
 * <p>
 * One thread: it reads the events after its position and below the horizon ({@link StoredEvents}), lets
 * {@link PublicationWindow} choose what may go now, sends it all, waits until the broker acknowledged every record,
 * and only then stores its new position (table {@code publication_position}). A batch that is not acknowledged in
 * time is logged, sent again from the old position by fresh producers, after a pause that grows up to 5 s. Only one
 * relay of a name runs at a time across instances: it holds a session advisory lock on its own connection, and one
 * that cannot take it waits as a standby. A relay whose batch failed lets go of the lock before it tries again, so
 * that an instance that still reaches the broker can take over. It polls every {@code idlePoll} while idle and is woken at once by commits
 * of this process ({@link #wake()}).
 * <p>
 * Fencing (decision 0026): the lock alone does not stop a relay that was paused (a long GC, a network cut) and wakes
 * after its lock was lost and another relay took over. Each batch is therefore one Kafka transaction of a producer
 * with one of the relay's fixed {@code transactional.id}s: the new owner's {@code initTransactions} on every one of
 * them, before its first send, bumps the producer epochs at the broker, which then refuses every send and commit of
 * the old owner. And each takeover draws the next epoch in {@code publication_position}; a position write names its
 * epoch, so the old relay cannot move the position either. A fenced relay lets go of everything and stands by.
 * <p>
 * The batches take turns between the producers (decision 0044): a batch begins its transaction on the producer whose
 * last transaction is the oldest, so it does not wait for the broker to finish the one just committed (its markers),
 * and batches still go one after the other: the next begins only once the one before has committed, so each
 * incident's events stay in order on every partition.
 */
public class PublicationRelay {

    private static final Logger log = LoggerFactory.getLogger(PublicationRelay.class);
    private static final int LOCK_CLASS = 0x1AC1DE48;

    /** What the relay last saw; read by the health indicator and the metrics. */
    public record Status(boolean leader, long horizon, Position position, Instant lastPublishedAt, long batches,
                         long failedBatches, String lastFailure) {
    }

    /** Called just before a batch is sent (tests pause a relay there). */
    interface BatchListener {
        void beforeSend(int events);
    }

    private final String name;
    private final DataSource dataSource;
    private final StoredEvents storedEvents;
    private final CloudEventRecordConverter converter;
    /** One per transactional id; batches take turns between them. */
    private final List<Supplier<Producer<String, CloudEvent>>> producers;
    private final String topic;
    private final int batchSize;
    private final Duration idlePoll;
    private final Duration ackTimeout;
    private final Duration standbyPoll;
    private final Semaphore wakeUps = new Semaphore(0);
    private final PublicationMeters meters;

    private volatile boolean running;
    private volatile Thread thread;
    private volatile Status status = new Status(false, 0, null, null, 0, 0, null);
    private Connection connection;
    /** The producers of the current leadership, created and fenced-in together; null while there are none. */
    private List<Producer<String, CloudEvent>> producersInUse;
    private int turn;
    private Position position;
    private long epoch;
    private volatile BatchListener batchListener = events -> { };
    private volatile long fencings;

    PublicationRelay(String name, DataSource dataSource, StoredEvents storedEvents,
                     CloudEventRecordConverter converter,
                     List<Supplier<Producer<String, CloudEvent>>> producers, String topic, int batchSize,
                     Duration idlePoll, Duration ackTimeout, Duration standbyPoll, PublicationMeters meters) {
        this.name = name;
        this.dataSource = dataSource;
        this.storedEvents = storedEvents;
        this.converter = converter;
        if (producers.isEmpty()) {
            throw new IllegalArgumentException("the relay needs at least one producer");
        }
        this.producers = List.copyOf(producers);
        this.topic = topic;
        this.batchSize = batchSize;
        this.idlePoll = idlePoll;
        this.ackTimeout = ackTimeout;
        this.standbyPoll = standbyPoll;
        this.meters = meters;
    }

    public String name() {
        return name;
    }

    public Status status() {
        return status;
    }

    /** How often this relay found itself fenced by another that took over. */
    public long fencings() {
        return fencings;
    }

    void onBatch(BatchListener listener) {
        this.batchListener = listener;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "publication-relay-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the batch in flight (its position is stored only if it was acknowledged) and lets go of the lock. */
    public synchronized void stop() {
        running = false;
        Thread worker = thread;
        if (worker != null) {
            wakeUps.release();
            try {
                worker.join(ackTimeout.toMillis() + 5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Looks for new events now instead of at the next poll. */
    public void wake() {
        if (wakeUps.availablePermits() == 0) {
            wakeUps.release();
        }
    }

    private void run() {
        long pause = 0;
        while (running) {
            try {
                if (pause > 0) {
                    pause(pause);
                }
                boolean published = running && lead() && publishOnce();
                pause = 0;
                if (!published) {
                    idle();
                }
            } catch (Fenced e) {
                fencings++;
                fail(e.getMessage() + "; standing by", null);
                closeProducers();
                closeConnection();
            } catch (BatchNotAcknowledged e) {
                pause = nextPause(pause);
                fail(e.getMessage() + "; sending it again in " + pause + " ms", e.getCause());
                closeProducers();
                // lets go of the lock too: a standby instance that reaches the broker may take over meanwhile
                closeConnection();
            } catch (SQLException | RuntimeException e) {
                pause = nextPause(pause);
                fail("Publication failed (" + e + "); trying again in " + pause + " ms", e);
                closeConnection();
                closeProducers();
            }
        }
        closeProducers();
        closeConnection();
        status = new Status(false, status.horizon(), status.position(), status.lastPublishedAt(), status.batches(),
                status.failedBatches(), status.lastFailure());
    }

    /** Reads, sends and acknowledges one window; false when there was nothing to publish. */
    private boolean publishOnce() throws SQLException, BatchNotAcknowledged, Fenced {
        long readFrom = System.nanoTime();
        StoredEvents.Window window = storedEvents.nextWindow(connection, position, batchSize);
        PublicationWindow.Plan<StoredEvents.StoredEvent> plan = window.plan();
        meters.read(System.nanoTime() - readFrom, !plan.toSend().isEmpty());
        observe(window.horizon(), false);
        if (plan.toSend().isEmpty()) {
            return false;
        }
        send(plan);
        long storeFrom = System.nanoTime();
        storePosition(plan.lastPosition());
        meters.positionStored(System.nanoTime() - storeFrom, plan.toSend().size());
        position = plan.lastPosition();
        Status now = status;
        status = new Status(true, window.horizon(), position, Instant.now(), now.batches() + 1, now.failedBatches(),
                now.lastFailure());
        return true;
    }

    /**
     * One Kafka transaction, on the producer whose turn it is; a producer fenced by a newer owner of its transactional
     * id ends the leadership.
     */
    private void send(PublicationWindow.Plan<StoredEvents.StoredEvent> plan) throws BatchNotAcknowledged, Fenced {
        if (producersInUse == null) {
            producersInUse = fencedIn();
            turn = 0;
        }
        Producer<String, CloudEvent> producer = producersInUse.get(turn);
        turn = (turn + 1) % producersInUse.size();
        batchListener.beforeSend(plan.toSend().size());
        try {
            long sendFrom = System.nanoTime();
            producer.beginTransaction();
            sendAll(producer, plan);
            long commitFrom = System.nanoTime();
            meters.sent(commitFrom - sendFrom);
            producer.commitTransaction();
            meters.committed(System.nanoTime() - commitFrom);
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw new Fenced(describe(plan) + " refused: another relay took over the transactional id", e);
        } catch (BatchNotAcknowledged e) {
            if (e.getCause() instanceof ExecutionException failed
                    && (failed.getCause() instanceof ProducerFencedException
                    || failed.getCause() instanceof InvalidProducerEpochException)) {
                throw new Fenced(describe(plan) + " refused: another relay took over the transactional id", e);
            }
            throw e;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new BatchNotAcknowledged(describe(plan) + " not committed: " + e, e);
        }
    }

    /**
     * A producer for each transactional id, each initialized before any of them sends: that fences every producer of
     * an earlier owner under any of the ids and aborts whatever batch it left open, so nothing of a paused owner's
     * batch can reach the log once this relay has sent anything.
     */
    private List<Producer<String, CloudEvent>> fencedIn() {
        List<Producer<String, CloudEvent>> fresh = new ArrayList<>(producers.size());
        try {
            for (Supplier<Producer<String, CloudEvent>> supplier : producers) {
                Producer<String, CloudEvent> producer = supplier.get();
                fresh.add(producer);
                producer.initTransactions(); // fences every older producer of its transactional id, aborts its batch
            }
        } catch (RuntimeException e) {
            fresh.forEach(producer -> producer.close(Duration.ZERO));
            throw e;
        }
        return fresh;
    }

    private void sendAll(Producer<String, CloudEvent> producer, PublicationWindow.Plan<StoredEvents.StoredEvent> plan)
            throws BatchNotAcknowledged {
        List<Future<RecordMetadata>> acknowledgements = new ArrayList<>(plan.toSend().size());
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        for (StoredEvents.StoredEvent event : plan.toSend()) {
            // an event stored at its current revision goes out as stored; an older one is upcast and serialized again
            ProducerRecord<String, CloudEvent> record = converter.createKafkaMessage(event.entry(), topic)
                    .orElseGet(() -> converter.createKafkaMessage(storedEvents.message(event), topic));
            Future<RecordMetadata> acknowledgement = producer.send(record);
            // a send that failed at once (no metadata within max.block.ms: the broker is unreachable) fails the
            // batch at once: sending the rest would wait max.block.ms for each of them
            if (acknowledgement.isDone() || System.nanoTime() - deadline > 0) {
                awaitAcknowledgement(plan, acknowledgement, deadline);
            }
            acknowledgements.add(acknowledgement);
        }
        for (Future<RecordMetadata> acknowledgement : acknowledgements) {
            awaitAcknowledgement(plan, acknowledgement, deadline);
        }
    }

    private void awaitAcknowledgement(PublicationWindow.Plan<StoredEvents.StoredEvent> plan,
                                      Future<RecordMetadata> acknowledgement, long deadline)
            throws BatchNotAcknowledged {
        try {
            acknowledgement.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatchNotAcknowledged(describe(plan) + " interrupted", e);
        } catch (ExecutionException e) {
            throw new BatchNotAcknowledged(describe(plan) + " refused by the broker: " + e.getCause(), e);
        } catch (TimeoutException e) {
            throw new BatchNotAcknowledged(describe(plan) + " not acknowledged within " + ackTimeout, e);
        }
    }

    private String describe(PublicationWindow.Plan<StoredEvents.StoredEvent> plan) {
        return "Batch of " + plan.toSend().size() + " events after position " + position + " up to "
                + plan.lastPosition();
    }

    /** Holds (or takes) the advisory lock that makes this relay the one publishing under its name. */
    private boolean lead() throws SQLException {
        if (connection != null) {
            return true;
        }
        Connection candidate = dataSource.getConnection();
        boolean locked;
        try {
            candidate.setAutoCommit(true);
            try (PreparedStatement lock = candidate.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, LOCK_CLASS);
                lock.setString(2, name);
                try (ResultSet rows = lock.executeQuery()) {
                    rows.next();
                    locked = rows.getBoolean(1);
                }
            }
        } catch (SQLException | RuntimeException e) {
            candidate.close();
            throw e;
        }
        if (!locked) {
            candidate.close();
            observe(status.horizon(), false);
            pause(standbyPoll.toMillis()); // another instance publishes; stand by
            return false;
        }
        connection = candidate;
        try {
            StoredEvents.prepareSession(candidate);
            position = loadPosition(candidate);
        } catch (SQLException | RuntimeException e) {
            closeConnection(); // lets go of the lock before the pool hands the session out again
            throw e;
        }
        log.info("Publication relay '{}' publishes to '{}' from position {} (epoch {})", name, topic, position, epoch);
        observe(status.horizon(), true);
        return true;
    }

    private Position loadPosition(Connection candidate) throws SQLException {
        try (PreparedStatement insert = candidate.prepareStatement("INSERT INTO publication_position "
                + "(publisher, transaction_id, global_index) VALUES (?, '0', 0) ON CONFLICT DO NOTHING")) {
            insert.setString(1, name);
            insert.executeUpdate();
        }
        // taking over draws the next epoch: every position write of an earlier owner is refused from now on
        try (PreparedStatement select = candidate.prepareStatement("UPDATE publication_position SET epoch = epoch + 1 "
                + "WHERE publisher = ? RETURNING transaction_id::text, global_index, epoch")) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                epoch = rows.getLong(3);
                return new Position(Long.parseLong(rows.getString(1)), rows.getLong(2));
            }
        }
    }

    private void storePosition(Position next) throws SQLException, Fenced {
        try (PreparedStatement update = connection.prepareStatement("UPDATE publication_position SET "
                + "transaction_id = ?::text::xid8, global_index = ?, updated_at = now() WHERE publisher = ? "
                + "AND epoch = ?")) {
            update.setString(1, Long.toString(next.transactionId()));
            update.setLong(2, next.globalIndex());
            update.setString(3, name);
            update.setLong(4, epoch);
            if (update.executeUpdate() != 1) {
                throw new Fenced("The position of publisher '" + name + "' belongs to a newer epoch than " + epoch
                        + " (or is gone)", null);
            }
        }
    }

    private void observe(long horizon, boolean leader) {
        Status now = status;
        status = new Status(leader || connection != null, horizon, position, now.lastPublishedAt(), now.batches(),
                now.failedBatches(), now.lastFailure());
    }

    private void fail(String message, Throwable cause) {
        log.warn("Publication relay '{}': {}", name, message, cause);
        meters.failed();
        Status now = status;
        status = new Status(now.leader(), now.horizon(), now.position(), now.lastPublishedAt(), now.batches(),
                now.failedBatches() + 1, message);
    }

    private void idle() {
        try {
            if (wakeUps.tryAcquire(idlePoll.toNanos(), TimeUnit.NANOSECONDS)) {
                wakeUps.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static long nextPause(long pause) {
        return Math.min(5_000, pause == 0 ? 100 : pause * 2);
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void closeProducers() {
        if (producersInUse != null) {
            for (Producer<String, CloudEvent> producer : producersInUse) {
                try {
                    producer.close(Duration.ofSeconds(1));
                } catch (RuntimeException e) {
                    log.debug("Closing a producer failed", e);
                }
            }
            producersInUse = null;
        }
    }

    /**
     * Hands the connection back without the lock: the session outlives a pooled connection's close, so the lock is
     * released first, and a connection that cannot release it is aborted (the pool then drops it).
     */
    private void closeConnection() {
        if (connection == null) {
            return;
        }
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock_all()")) {
            unlock.execute();
            StoredEvents.resetSession(connection);
            connection.close();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException abortFailed) {
                log.debug("Aborting the relay's connection failed", abortFailed);
            }
        }
        connection = null;
    }

    /** Another relay of the same name took over: the broker or the position refused this one. */
    private static final class Fenced extends Exception {
        Fenced(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The broker refused or did not acknowledge a batch in time. */
    private static final class BatchNotAcknowledged extends Exception {
        BatchNotAcknowledged(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
