package io.incidenttracker.query.consuming;

import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GenericTrackedEventMessage;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.KafkaEventMessage;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.KafkaTrackingToken;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FetchOrderBufferTest {

    private KafkaTrackingToken token = KafkaTrackingToken.emptyToken();

    @Test
    void handsOutMessagesInFetchOrderWhateverTheirTimestamps() throws InterruptedException {
        FetchOrderBuffer buffer = new FetchOrderBuffer(10);
        // as one poll converts them: partition 1 first, then partition 0 with older timestamps
        List<KafkaEventMessage> fetched = List.of(message(1, 7, 2000), message(1, 8, 2001), message(0, 5, 1000));
        buffer.putAll(fetched);

        List<KafkaEventMessage> handedOut = new ArrayList<>();
        while (!buffer.isEmpty()) {
            handedOut.add(buffer.poll(10, TimeUnit.MILLISECONDS));
        }

        assertThat(handedOut).containsExactlyElementsOf(fetched);
        for (int i = 1; i < handedOut.size(); i++) {
            KafkaTrackingToken previous = (KafkaTrackingToken) handedOut.get(i - 1).value().trackingToken();
            KafkaTrackingToken next = (KafkaTrackingToken) handedOut.get(i).value().trackingToken();
            assertThat(next.covers(previous)).as("tokens only grow").isTrue();
        }
    }

    @Test
    void reportsAFetchErrorOnceTheBufferedMessagesAreHandedOut() throws InterruptedException {
        FetchOrderBuffer buffer = new FetchOrderBuffer(10);
        KafkaEventMessage buffered = message(0, 1, 1);
        buffer.put(buffered);
        buffer.setException(new IllegalStateException("fetcher died"));

        assertThat(buffer.poll(10, TimeUnit.MILLISECONDS)).isSameAs(buffered);
        assertThatThrownBy(() -> buffer.poll(10, TimeUnit.MILLISECONDS)).hasMessage("fetcher died");
    }

    @Test
    void blocksTheFetcherWhenFull() throws InterruptedException {
        FetchOrderBuffer buffer = new FetchOrderBuffer(1);
        buffer.put(message(0, 1, 1));
        Thread fetcher = new Thread(() -> {
            try {
                buffer.put(message(0, 2, 2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        fetcher.start();
        fetcher.join(200);
        assertThat(fetcher.isAlive()).as("waits for room").isTrue();
        assertThat(buffer.remainingCapacity()).isZero();

        buffer.poll(10, TimeUnit.MILLISECONDS);
        fetcher.join(2000);
        assertThat(fetcher.isAlive()).isFalse();
        assertThat(buffer.poll(10, TimeUnit.MILLISECONDS).offset()).isEqualTo(2);
    }

    private KafkaEventMessage message(int partition, long offset, long timestamp) {
        token = token.advancedTo("incident-events", partition, offset);
        return new KafkaEventMessage(new GenericTrackedEventMessage<>(token, GenericEventMessage.asEventMessage("e")),
                                     partition, offset, timestamp);
    }
}
