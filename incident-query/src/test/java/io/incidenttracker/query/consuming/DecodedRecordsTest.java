package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    }

    @Test
    void withNoCapacityEveryConsumerDecodesItsOwn() {
        DecodedRecords records = new DecodedRecords(0, Duration.ofSeconds(10));
        records.decode(record(7, "opened", "type-a"), decoder);
        records.decode(record(7, "opened", "type-a"), decoder);
        assertThat(decodings).hasValue(2);
    }

    /** A new record object each time, as each consumer reads its own copy from the broker. */
    private static ConsumerRecord<String, byte[]> record(long offset, String value, String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("incident-events", 1, offset, 1_000L, TimestampType.CREATE_TIME, 0, 0, "key",
                                    value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }
}
