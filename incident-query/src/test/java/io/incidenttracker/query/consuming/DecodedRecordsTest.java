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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

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
