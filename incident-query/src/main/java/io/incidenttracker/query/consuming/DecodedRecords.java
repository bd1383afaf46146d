package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.axonframework.eventhandling.EventMessage;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
 * it decodes the next record, which lets every entry older than {@code maxAge} go.
 */
final class DecodedRecords {

    private record Position(String topic, int partition, long offset, long timestamp) {
    }

    private record Decoded(ConsumerRecord<String, byte[]> record, CompletableFuture<EventMessage<?>> message) {
    }

    /** A kept record's position, and when it was decoded. */
    private record Kept(Position position, long decodedAtNanos) {
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
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
        this.capacity = capacity;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The record's message: decoded by {@code decoder} unless an equal record at its position was decoded lately. */
    EventMessage<?> decode(ConsumerRecord<String, byte[]> record,
                           Function<ConsumerRecord<String, byte[]>, EventMessage<?>> decoder) {
        if (capacity <= 0) {
            decodings.increment();
            return decoder.apply(record);
        }
        Position position = new Position(record.topic(), record.partition(), record.offset(), record.timestamp());
        // another consumer's thread compares its record with this one's headers as soon as it is in the map, while
        // this thread decodes it: Kafka's headers decode their key and value on first access, and two threads doing
        // that at once broke a valid record (an NPE in RecordHeader.key(), and the event stored as undecodable).
        // This thread decodes them before the record is shared; from then on both threads only read them.
        settle(record);
        Decoded mine = new Decoded(record, new CompletableFuture<>());
        Decoded known = decoded.putIfAbsent(position, mine);
        if (known != null) {
            if (sameRecord(known.record(), record)) {
                taken.increment();
                return known.message().join();
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
        order.add(new Kept(position, now));
        size.incrementAndGet();
        letGo(now);
        return message;
    }

    /** Lets the oldest entries go while there are more than {@code capacity} or they are older than the age bound. */
    private void letGo(long now) {
        Kept oldest;
        while ((oldest = order.peek()) != null
                && (size.get() > capacity || now - oldest.decodedAtNanos() > maxAgeNanos)) {
            // another consumer may let the same one go at once: then this takes the next, which is only decoded again
            Kept taken = order.poll();
            if (taken != null) {
                decoded.remove(taken.position());
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
