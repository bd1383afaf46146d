package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.axonframework.eventhandling.EventMessage;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The records decoded lately, so that the processors' consumers decode each record once between them.
 * <p>
 * Every processor (the status projections, the history, the ledger, the webhook outbox) reads the topic with a
 * consumer of its own, at its own position, and commits that position with its own rows; only the decoding of a
 * record into an event message is shared. The consumer that meets a record first decodes it; one that meets it while
 * that decoding runs waits for it; one that meets it later takes the message as decoded. A hit requires the same
 * position and the same record (key, value and headers byte for byte), so a message is only ever shared between equal
 * records, and decoding an equal record gives an equal message. Messages are immutable: the processors wrap the
 * same one each in their own tracked message.
 * <p>
 * The most recent {@code capacity} records are kept, each for at most {@code maxAge}: the consumers of one instance
 * meet a live record within milliseconds of each other and those of a rebuild within seconds, so an older entry is
 * only heap that the instance needs elsewhere (a thousand open streams hold about 100 MiB of it). A consumer further
 * behind than that (a processor catching up, a replay) decodes its records itself. Entries are let go as records are
 * decoded, not on a clock: an instance that stops decoding keeps its last entries (at most {@code capacity}) until
 * it decodes the next record, which lets every entry older than {@code maxAge} go. And an entry goes as soon as
 * every consumer that was reading the topic when it was decoded (one that met a record of it within {@code idle},
 * two at least) has met it: nobody is expected to ask for it again, and a live record with its message then dies
 * young instead of outliving the young generation and filling the old one with garbage. A consumer not counted
 * (one that starts reading, or was idle) decodes the record itself if it is gone.
 * <p>
 * <b>Catching up together.</b> Consumers that catch up on the same records (a rebuild resets the status
 * projections, the history and the ledger together) read at the pace of their processors, and the faster ones would
 * soon be more than {@code capacity} records ahead of the slowest, which would then decode every record again. So a
 * consumer that is about to decode a record older than {@code live} (it is catching up, not following the topic's
 * head) first waits while another consumer of this instance is behind it on that partition by more than a third of
 * the records kept per partition, but not so far behind that the records it needs are gone already: the leader waits
 * for the slowest within reach, the slowest takes what the leader decoded, and a record is decoded about once for
 * them all. It never waits for a consumer that has read nothing for {@code idle} (a processor stopped, claimed by
 * another instance, retrying a failed batch), nor for one that waits itself, nor longer than {@code idle} for one
 * record; a consumer following the topic's head never waits at all.
 */
final class DecodedRecords {

    private record Position(String topic, int partition, long offset, long timestamp) {
    }

    /**
     * A record and its message, how many consumers were reading its topic when it was decoded, and how many of them
     * have met it (the one that decoded it first): once all of them have, nobody is expected to ask for it again.
     */
    private record Decoded(ConsumerRecord<String, byte[]> record, CompletableFuture<EventMessage<?>> message,
                           int readers, AtomicInteger met) {

        /** Counts one more consumer meeting it; whether every consumer expected has met it now. */
        boolean metByAll() {
            return met.incrementAndGet() >= readers;
        }
    }

    /**
     * A kept record's position, its entry's count of meetings (which tells the entry apart from a later one at the same
     * position without holding the record and its message), and when it was decoded.
     */
    private record Kept(Position position, AtomicInteger met, long decodedAtNanos) {
    }

    /**
     * One consumer's place (the consumer is the fetcher thread that reads its records): the newest offset it met on
     * each partition of its topic, when it last met a record, and whether it waits now for another consumer.
     */
    private static final class Reader {
        private final String topic;
        private volatile AtomicLongArray offsets = new AtomicLongArray(0);
        private volatile long lastReadNanos;
        private volatile boolean waiting;
        /** False once a scan let it go as gone; its thread registers it again at its next record. */
        private volatile boolean registered;

        Reader(String topic) {
            this.topic = topic;
        }

        /** Only the reader's own thread calls this. */
        void met(int partition, long offset, long now) {
            AtomicLongArray current = offsets;
            if (partition >= current.length()) {
                AtomicLongArray grown = new AtomicLongArray(partition + 1);
                for (int i = 0; i < grown.length(); i++) {
                    grown.set(i, i < current.length() ? current.get(i) : -1);
                }
                offsets = grown;
                current = grown;
            }
            current.set(partition, offset);
            lastReadNanos = now;
        }

        /** The newest offset met on the partition, -1 if none. */
        long offset(int partition) {
            AtomicLongArray current = offsets;
            return partition < current.length() ? current.get(partition) : -1;
        }
    }

    /** A record written to the topic less than this ago is followed live: nobody waits for another to read it. */
    static final Duration LIVE = Duration.ofSeconds(10);
    /** A consumer that read nothing for this long is not waited for, and no record is waited on for longer. */
    static final Duration IDLE = Duration.ofSeconds(2);
    private static final long WAIT_STEP_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final boolean together;
    private final long liveMillis;
    private final long idleNanos;
    private final LongSupplier wallClockMillis;
    private final Set<Reader> readers = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Reader> reader = new ThreadLocal<>();
    /** The highest partition number met, plus one: the records kept per partition are {@code capacity} over it. */
    private final AtomicInteger partitions = new AtomicInteger(1);
    /** Waits a leader made for a slower consumer, and their time in all. */
    private final LongAdder waits = new LongAdder();
    private final LongAdder waitedNanos = new LongAdder();
    private final ConcurrentHashMap<Position, Decoded> decoded = new ConcurrentHashMap<>();
    private final Queue<Kept> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Records decoded here, by the consumer that met them. */
    private final LongAdder decodings = new LongAdder();
    /** Records taken as another consumer decoded them. */
    private final LongAdder taken = new LongAdder();

    DecodedRecords(int capacity, Duration maxAge) {
        this(capacity, maxAge, System::nanoTime);
    }

    DecodedRecords(int capacity, Duration maxAge, LongSupplier nanoTime) {
        this(capacity, maxAge, nanoTime, false, LIVE, IDLE, System::currentTimeMillis);
    }

    /**
     * {@code together}: consumers catching up wait for the slowest within reach (see the class comment), a record
     * older than {@code live} by {@code wallClockMillis} counting as caught up on, a consumer idle for {@code idle}
     * not waited for.
     */
    DecodedRecords(int capacity, Duration maxAge, LongSupplier nanoTime, boolean together, Duration live,
                   Duration idle, LongSupplier wallClockMillis) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
        this.together = together && capacity > 0;
        this.liveMillis = live.toMillis();
        this.idleNanos = idle.toNanos();
        this.wallClockMillis = wallClockMillis;
    }

    /** The record's message: decoded by {@code decoder} unless an equal record at its position was decoded lately. */
    EventMessage<?> decode(ConsumerRecord<String, byte[]> record,
                           Function<ConsumerRecord<String, byte[]>, EventMessage<?>> decoder) {
        if (capacity <= 0) {
            decodings.increment();
            return decoder.apply(record);
        }
        Position position = new Position(record.topic(), record.partition(), record.offset(), record.timestamp());
        Reader me = met(record);
        // another consumer's thread compares its record with this one's headers as soon as it is in the map, while
        // this thread decodes it: Kafka's headers decode their key and value on first access, and two threads doing
        // that at once broke a valid record (an NPE in RecordHeader.key(), and the event stored as undecodable).
        // This thread decodes them before the record is shared; from then on both threads only read them.
        settle(record);
        if (together && me != null && catchingUp(record) && !decoded.containsKey(position)) {
            awaitSlowest(me, record);
        }
        Decoded mine = new Decoded(record, new CompletableFuture<>(), readersOf(record.topic()), new AtomicInteger(1));
        Decoded known = decoded.putIfAbsent(position, mine);
        if (known != null) {
            if (sameRecord(known.record(), record)) {
                taken.increment();
                EventMessage<?> message = known.message().join();
                if (known.metByAll()) {
                    // every consumer reading the topic has it: the record and its message go while they are young
                    // (kept for the age bound, the entries of a live topic outlived the young generation and filled
                    // the old one with garbage, collected in full pauses)
                    decoded.remove(position, known);
                }
                return message;
            }
            decodings.increment();
            return decoder.apply(record);
        }
        decodings.increment();
        EventMessage<?> message;
        try {
            message = decoder.apply(record);
        } catch (RuntimeException | Error e) {
            decoded.remove(position, mine);
            mine.message().completeExceptionally(e);
            throw e;
        }
        mine.message().complete(message);
        long now = nanoTime.getAsLong();
        order.add(new Kept(position, mine.met(), now));
        size.incrementAndGet();
        letGo(now);
        return message;
    }

    /**
     * The consumers that read the topic now: those that met a record of it within {@code idle}. A consumer that met
     * none for longer is not counted: it may not come (its processor stopped or went to another instance), and if it
     * does, it decodes the record itself. When the caller is the only one, who else will come is not known (the
     * others of a rebuild meet their first records a moment later): its records are kept as long as the bounds allow.
     */
    private int readersOf(String topic) {
        long now = nanoTime.getAsLong();
        int count = 0;
        for (Reader other : readers) {
            long idleFor = now - other.lastReadNanos;
            if (idleFor > 30 * idleNanos && !other.waiting) {
                // its thread is likely gone (a processor's stream closed); it registers again if it reads again
                // (removed before it is marked: its thread, reading between the two, re-adds it at its next record)
                readers.remove(other);
                other.registered = false;
            } else if (other.topic.equals(topic) && idleFor <= idleNanos) {
                count++;
            }
        }
        return count <= 1 ? Integer.MAX_VALUE : count;
    }

    /** Notes that this thread's consumer met the record; the consumer's place, or null for another topic's record. */
    private Reader met(ConsumerRecord<String, byte[]> record) {
        Reader me = reader.get();
        if (me == null) {
            me = new Reader(record.topic());
            reader.set(me);
        }
        if (!me.registered) {
            me.registered = true;
            readers.add(me);
        }
        if (!me.topic.equals(record.topic())) {
            return null;
        }
        if (record.partition() >= partitions.get()) {
            partitions.accumulateAndGet(record.partition() + 1, Math::max);
        }
        me.met(record.partition(), record.offset(), nanoTime.getAsLong());
        return me;
    }

    /**
     * Before a consumer catching up decodes a record nobody decoded yet: waits while another consumer of the topic,
     * active and not waiting itself, is behind on the record's partition by more than a third of the records kept per
     * partition and at most all of them, and at most {@code idle} in all.
     */
    private void awaitSlowest(Reader me, ConsumerRecord<String, byte[]> record) {
        long reach = Math.max(1, capacity / partitions.get());
        long lead = reach / 3;
        long started = nanoTime.getAsLong();
        long now = started;
        me.waiting = true;
        try {
            while (now - started < idleNanos && slowerWithinReach(me, record, lead, reach, now)) {
                LockSupport.parkNanos(WAIT_STEP_NANOS);
                now = nanoTime.getAsLong();
            }
        } finally {
            me.waiting = false;
            me.lastReadNanos = nanoTime.getAsLong();
        }
        if (now != started) {
            waits.increment();
            waitedNanos.add(now - started);
        }
    }

    /** Whether the record was written longer than {@code live} ago: its reader is catching up, not following. */
    private boolean catchingUp(ConsumerRecord<String, byte[]> record) {
        return wallClockMillis.getAsLong() - record.timestamp() >= liveMillis;
    }

    private boolean slowerWithinReach(Reader me, ConsumerRecord<String, byte[]> record, long lead, long reach,
                                      long now) {
        for (Reader other : readers) {
            if (other == me || other.waiting || !other.topic.equals(me.topic)) {
                continue;
            }
            if (now - other.lastReadNanos > idleNanos) {
                if (now - other.lastReadNanos > 30 * idleNanos) {
                    // its thread is likely gone (a processor's stream closed); it registers again if it reads again
                    readers.remove(other);
                    other.registered = false;
                }
                continue;
            }
            long theirs = other.offset(record.partition());
            long behind = record.offset() - theirs;
            if (theirs >= 0 && behind > lead && behind <= reach) {
                return true;
            }
        }
        return false;
    }

    /** Lets the oldest entries go while there are more than {@code capacity} or they are older than the age bound. */
    private void letGo(long now) {
        Kept oldest;
        while ((oldest = order.peek()) != null
                && (size.get() > capacity || now - oldest.decodedAtNanos() > maxAgeNanos)) {
            // another consumer may let the same one go at once: then this takes the next, which is only decoded again
            Kept taken = order.poll();
            if (taken != null) {
                // only its own entry: one let go early may have been decoded again since, by a consumer not counted
                decoded.computeIfPresent(taken.position(), (at, entry) -> entry.met() == taken.met() ? null : entry);
                size.decrementAndGet();
            }
        }
    }

    /** Records decoded so far, each by the consumer that met it (once per record when every consumer shares). */
    long decodings() {
        return decodings.sum();
    }

    /** Records taken so far as another consumer had decoded them. */
    long taken() {
        return taken.sum();
    }

    /** Consumers waiting now for a slower one before decoding a record. */
    long waitingNow() {
        return readers.stream().filter(reader -> reader.waiting).count();
    }

    /** Times a consumer catching up waited for a slower one before decoding a record. */
    long waits() {
        return waits.sum();
    }

    /** Their time in all, in nanoseconds. */
    long waitedNanos() {
        return waitedNanos.sum();
    }

    /** How many decoded records are kept now. */
    int size() {
        return decoded.size();
    }

    private static void settle(ConsumerRecord<String, byte[]> record) {
        for (Header header : record.headers()) {
            header.key();
            header.value();
        }
    }

    private static boolean sameRecord(ConsumerRecord<String, byte[]> a, ConsumerRecord<String, byte[]> b) {
        if (!Objects.equals(a.key(), b.key()) || !Arrays.equals(a.value(), b.value())) {
            return false;
        }
        Header[] first = a.headers().toArray();
        Header[] second = b.headers().toArray();
        if (first.length != second.length) {
            return false;
        }
        for (int i = 0; i < first.length; i++) {
            if (!first[i].key().equals(second[i].key()) || !Arrays.equals(first[i].value(), second[i].value())) {
                return false;
            }
        }
        return true;
    }
}
