package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DecodedRecordsTest {

    private final AtomicInteger decodings = new AtomicInteger();
    private final Function<ConsumerRecord<String, byte[]>, EventMessage<?>> decoder = record -> {
        decodings.incrementAndGet();
        return GenericEventMessage.asEventMessage(new String(record.value(), StandardCharsets.UTF_8));
    };

    @Test
    void theProcessorsConsumersDecodeARecordOnceBetweenThem() {
        DecodedRecords records = new DecodedRecords(100, Duration.ofSeconds(10));

        List<EventMessage<?>> messages = new ArrayList<>();
        for (int consumer = 0; consumer < 4; consumer++) {
            messages.add(records.decode(record(7, "opened", "type-a"), decoder));
        }

        assertThat(decodings).hasValue(1);
        assertThat(messages).allSatisfy(message -> assertThat(message).isSameAs(messages.get(0)));
        assertThat(records.decodings()).as("counted: decoded").isEqualTo(1);
        assertThat(records.taken()).as("counted: taken as decoded").isEqualTo(3);
    }

    @Test
    void aDifferentRecordAtTheSamePositionIsDecodedOnItsOwn() {
        DecodedRecords records = new DecodedRecords(100, Duration.ofSeconds(10));
        records.decode(record(7, "opened", "type-a"), decoder);

        EventMessage<?> otherValue = records.decode(record(7, "closed", "type-a"), decoder);
        EventMessage<?> otherHeader = records.decode(record(7, "opened", "type-b"), decoder);

        assertThat(decodings).hasValue(3);
        assertThat(otherValue.getPayload()).isEqualTo("closed");
        assertThat(otherHeader.getPayload()).isEqualTo("opened");
    }

    @Test
    void keepsTheLatestRecordsOnlyAndDecodesAnOlderOneAgain() {
        DecodedRecords records = new DecodedRecords(3, Duration.ofSeconds(10));
        for (long offset = 0; offset < 10; offset++) {
            records.decode(record(offset, "event " + offset, "type-a"), decoder);
        }
        assertThat(records.size()).isEqualTo(3);

        records.decode(record(9, "event 9", "type-a"), decoder);
        assertThat(decodings).as("the latest is kept").hasValue(10);
        records.decode(record(0, "event 0", "type-a"), decoder);
        assertThat(decodings).as("the oldest was let go").hasValue(11);
    }

    @Test
    void letsARecordGoOnceItIsOlderThanTheAgeBound() {
        AtomicLong now = new AtomicLong();
        DecodedRecords records = new DecodedRecords(100, Duration.ofSeconds(10), now::get);
        records.decode(record(1, "event 1", "type-a"), decoder);
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        records.decode(record(2, "event 2", "type-a"), decoder);
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        records.decode(record(3, "event 3", "type-a"), decoder);

        assertThat(records.size()).as("the first is 12 s old, the second 6 s").isEqualTo(2);
        records.decode(record(2, "event 2", "type-a"), decoder);
        assertThat(decodings).as("the second is still shared").hasValue(3);
        records.decode(record(1, "event 1", "type-a"), decoder);
        assertThat(decodings).as("the first was let go and is decoded again").hasValue(4);
        assertThat(records.decodings()).isEqualTo(4);
        assertThat(records.taken()).isEqualTo(1);
    }

    @Test
    void withNoCapacityEveryConsumerDecodesItsOwn() {
        DecodedRecords records = new DecodedRecords(0, Duration.ofSeconds(10));
        records.decode(record(7, "opened", "type-a"), decoder);
        records.decode(record(7, "opened", "type-a"), decoder);
        assertThat(decodings).hasValue(2);
        assertThat(records.decodings()).isEqualTo(2);
        assertThat(records.taken()).isZero();
    }

    /**
     * Live, the consumers of an instance meet a record within moments of each other: once every consumer reading the
     * topic has met it, it goes, so that it dies young rather than in the old generation.
     */
    @Test
    void aRecordGoesOnceEveryConsumerReadingTheTopicHasMetIt() throws Exception {
        // consumers catching up together, as the service runs them, with an idle bound no pause of a test reaches
        DecodedRecords records = together(100, Duration.ofSeconds(60));
        long written = System.currentTimeMillis();
        try (Consumer a = new Consumer(records, "a"); Consumer b = new Consumer(records, "b");
             Consumer c = new Consumer(records, "c")) {
            for (Consumer consumer : List.of(a, b, c)) {
                consumer.readWrittenAt(written, 0, 0, 0);
            }
            assertThat(records.size()).as("decoded while its consumer was the only one known: kept").isEqualTo(1);

            a.readWrittenAt(written, 0, 1, 5);
            b.readWrittenAt(written, 0, 1, 5);
            assertThat(records.size()).as("not every consumer has met them yet").isEqualTo(6);
            c.readWrittenAt(written, 0, 1, 5);

            assertThat(records.size()).as("every consumer met them").isEqualTo(1);
            assertThat(decodings).hasValue(6);
            assertThat(records.taken()).isEqualTo(12);
        }
    }

    /** A consumer that read nothing for the idle bound is not counted: the others let the record go without it. */
    @Test
    void aConsumerIdleForTheIdleBoundIsNotCountedAndDecodesForItselfOnceTheOthersLetTheRecordGo() throws Exception {
        AtomicLong now = new AtomicLong();
        DecodedRecords records = new DecodedRecords(100, Duration.ofSeconds(60), now::get, false,
                Duration.ofSeconds(10), Duration.ofSeconds(2), System::currentTimeMillis);
        long written = System.currentTimeMillis();
        try (Consumer a = new Consumer(records, "a"); Consumer b = new Consumer(records, "b");
             Consumer idle = new Consumer(records, "idle")) {
            for (Consumer consumer : List.of(a, b, idle)) {
                consumer.readWrittenAt(written, 0, 0, 0);
            }
            now.addAndGet(Duration.ofSeconds(3).toNanos());
            a.readWrittenAt(written, 0, 1, 1);
            b.readWrittenAt(written, 0, 1, 1);

            a.readWrittenAt(written, 0, 2, 2);
            b.readWrittenAt(written, 0, 2, 2);
            assertThat(records.size()).as("record 2 met by both consumers reading: gone").isEqualTo(2);

            idle.readWrittenAt(written, 0, 2, 2);
            assertThat(decodings).as("the idle consumer decoded record 2 itself").hasValue(4);
            idle.readWrittenAt(written, 0, 1, 1);
            assertThat(decodings).as("record 1 was decoded while a was the only one reading: kept").hasValue(4);
        }
    }

    /**
     * Catching up (records older than the live bound), the consumer ahead waits for the one behind it within reach:
     * 12 records kept over one partition, so a lead of more than 4 records makes it wait; the records it decoded are
     * those the one behind then takes.
     */
    @Test
    void aConsumerCatchingUpWaitsForASlowerOneWithinReachWhichThenTakesWhatItDecoded() throws Exception {
        DecodedRecords records = together(12, Duration.ofSeconds(5));
        try (Consumer slow = new Consumer(records, "slow"); Consumer fast = new Consumer(records, "fast")) {
            slow.read(0, 0, 0);
            fast.read(0, 0, 4);
            assertThat(records.waits()).as("up to 4 ahead: no wait").isZero();

            fast.readAsync(0, 5);
            assertThat(fast.awaitRead(0, 5, Duration.ofMillis(300))).as("5 ahead: waits").isFalse();
            slow.read(0, 1, 1);
            assertThat(fast.awaitRead(0, 5, Duration.ofSeconds(10))).as("4 ahead again: goes on").isTrue();
            assertThat(records.waits()).isEqualTo(1);

            slow.read(0, 2, 5);
            assertThat(records.decodings()).as("0 by the slow one, 1 to 5 by the fast one").isEqualTo(6);
            assertThat(records.taken()).isEqualTo(6);
        }
    }

    @Test
    void aConsumerFollowingTheTopicsHeadNeverWaits() throws Exception {
        DecodedRecords records = together(12, Duration.ofSeconds(5));
        try (Consumer slow = new Consumer(records, "slow"); Consumer fast = new Consumer(records, "fast")) {
            slow.read(0, 0, 0);
            fast.readLive(0, 1, 10);
            assertThat(records.waits()).isZero();
        }
    }

    @Test
    void aConsumerOutOfReachOrIdleIsNotWaitedFor() throws Exception {
        Duration idle = Duration.ofMillis(300);
        DecodedRecords records = together(12, idle);
        try (Consumer slow = new Consumer(records, "slow"); Consumer fast = new Consumer(records, "fast")) {
            slow.read(0, 0, 0);
            fast.read(0, 13, 13);
            assertThat(records.waits()).as("13 ahead: what the slow one needs is gone already").isZero();

            slow.read(0, 9, 9);
            long started = System.nanoTime();
            fast.read(0, 14, 14);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("waited until the slow one was idle")
                    .isGreaterThanOrEqualTo(idle.minusMillis(50)).isLessThan(Duration.ofSeconds(5));
            fast.read(0, 15, 20);
            assertThat(records.waits()).as("an idle consumer is not waited for").isEqualTo(1);
        }
    }

    /**
     * Each is ahead of the other on one partition: the first waits for the second, which then meets a record it
     * would wait for the first on; as the first waits itself, the second goes on, and the first once the second has
     * caught up on its partition.
     */
    @Test
    void twoConsumersEachAheadOnAPartitionNeverWaitForEachOther() throws Exception {
        DecodedRecords records = together(24, Duration.ofSeconds(30));
        try (Consumer first = new Consumer(records, "first"); Consumer second = new Consumer(records, "second")) {
            first.readLive(0, 0, 10);
            second.readLive(1, 0, 10);
            first.readLive(1, 0, 0);
            second.readLive(0, 0, 0);

            first.readAsync(0, 11);
            // the second must meet its record while the first waits (were it first, the first would find it waiting
            // and go on, and it would be the second that waits): wait for the first's thread to be waiting
            await().atMost(Duration.ofSeconds(10)).until(() -> records.waitingNow() == 1);
            assertThat(first.awaitRead(0, 11, Duration.ofMillis(300))).as("11 ahead of the second: waits").isFalse();
            second.readAsync(1, 11);
            assertThat(second.awaitRead(1, 11, Duration.ofSeconds(2))).as("the first waits itself: goes on").isTrue();
            second.read(0, 1, 10);
            assertThat(first.awaitRead(0, 11, Duration.ofSeconds(10))).isTrue();
        }
    }

    private static DecodedRecords together(int capacity, Duration idle) {
        return new DecodedRecords(capacity, Duration.ofSeconds(60), System::nanoTime, true, Duration.ofSeconds(10),
                idle, System::currentTimeMillis);
    }

    /** A consumer: a thread of its own (a consumer is its fetcher thread), reading the records it is given. */
    private final class Consumer implements AutoCloseable {
        private static final long CAUGHT_UP_ON = 1_000L;
        private final DecodedRecords records;
        private final ExecutorService thread;
        private final Map<Integer, Long> lastRead = new ConcurrentHashMap<>();

        Consumer(DecodedRecords records, String name) {
            this.records = records;
            this.thread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, name));
        }

        /** Reads the partition's records {@code from} to {@code to}, written long ago, and returns once it has. */
        void read(int partition, long from, long to) throws Exception {
            readWrittenAt(CAUGHT_UP_ON, partition, from, to);
        }

        /** Reads the partition's records {@code from} to {@code to}, written just now, and returns once it has. */
        void readLive(int partition, long from, long to) throws Exception {
            readWrittenAt(System.currentTimeMillis(), partition, from, to);
        }

        /** Reads the partition's records {@code from} to {@code to}, written at {@code timestamp}, and returns. */
        void readWrittenAt(long timestamp, int partition, long from, long to) throws Exception {
            thread.submit(() -> readAll(partition, from, to, timestamp)).get(10, TimeUnit.SECONDS);
        }

        /** Starts reading the partition's record at {@code offset}, written long ago. */
        void readAsync(int partition, long offset) {
            thread.submit(() -> readAll(partition, offset, offset, CAUGHT_UP_ON));
        }

        /** True once the record at {@code offset} of the partition is read, false if not within the time. */
        boolean awaitRead(int partition, long offset, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (lastRead.getOrDefault(partition, -1L) < offset && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            return lastRead.getOrDefault(partition, -1L) >= offset;
        }

        private void readAll(int partition, long from, long to, long timestamp) {
            for (long offset = from; offset <= to; offset++) {
                records.decode(record(partition, offset, timestamp), decoder);
                lastRead.put(partition, offset);
            }
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }

    private static ConsumerRecord<String, byte[]> record(int partition, long offset, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", "type-a".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("incident-events", partition, offset, timestamp, TimestampType.CREATE_TIME, 0, 0,
                                    "key", ("event " + offset).getBytes(StandardCharsets.UTF_8), headers,
                                    Optional.empty());
    }

    /**
     * Kafka's record headers decode their key and value on first access, which two threads must not do at once: the
     * consumer that decodes a record settles its headers before another consumer can compare its own record with it.
     */
    @Test
    void anotherConsumerComparesWithARecordWhoseHeadersItsOwnerHasAlreadyDecoded() throws Exception {
        DecodedRecords records = new DecodedRecords(16, Duration.ofSeconds(10));
        LazyHeader ownersHeader = new LazyHeader("ce_type", "type-a");
        ConsumerRecord<String, byte[]> owners = record(7, "opened", ownersHeader);
        CountDownLatch ownerDecoding = new CountDownLatch(1);
        CountDownLatch otherCompared = new CountDownLatch(1);
        Thread owner = new Thread(() -> records.decode(owners, record -> {
            ownerDecoding.countDown();
            try {
                otherCompared.await(10, TimeUnit.SECONDS); // decodes only once the other consumer has compared
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return decoder.apply(record);
        }), "owner");
        owner.start();
        assertThat(ownerDecoding.await(10, TimeUnit.SECONDS)).isTrue();
        Thread other = new Thread(() -> {
            records.decode(record(7, "opened", new LazyHeader("ce_type", "type-a")), decoder);
        }, "other");
        other.start();
        // the other consumer compares, then waits for the owner's message
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ownersHeader.reads.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        otherCompared.countDown();
        owner.join(10_000);
        other.join(10_000);
        assertThat(ownersHeader.decodedBy).isEqualTo("owner");
        assertThat(decodings).hasValue(1);
    }

    /** A header that, like Kafka's own, decodes itself on first access; it notes which thread did. */
    private static final class LazyHeader implements Header {
        private final String key;
        private final byte[] value;
        private final AtomicInteger reads = new AtomicInteger();
        private volatile String decodedBy;

        LazyHeader(String key, String value) {
            this.key = key;
            this.value = value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String key() {
            read();
            return key;
        }

        @Override
        public byte[] value() {
            read();
            return value;
        }

        private synchronized void read() {
            if (decodedBy == null) {
                decodedBy = Thread.currentThread().getName();
            }
            reads.incrementAndGet();
        }
    }

    private static ConsumerRecord<String, byte[]> record(long offset, String value, Header header) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(header);
        return new ConsumerRecord<>("incident-events", 1, offset, 1_000L, TimestampType.CREATE_TIME, 0, 0, "key",
                                    value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    /** A new record object each time, as each consumer reads its own copy from the broker. */
    private static ConsumerRecord<String, byte[]> record(long offset, String value, String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("incident-events", 1, offset, 1_000L, TimestampType.CREATE_TIME, 0, 0, "key",
                                    value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }
}
