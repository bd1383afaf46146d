package io.incidenttracker.command.publishing;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaPublisher;
import org.axonframework.extensions.kafka.eventhandling.producer.ProducerFactory;
import org.axonframework.extensions.kafka.eventhandling.producer.TopicResolver;
import org.axonframework.messaging.EventPublicationFailedException;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka publisher, waiting for the broker's acknowledgement of a whole batch instead of one event at a time.
 * <p>
 * The extension's publisher in {@code wait_for_ack} mode sends one record and blocks until the broker acknowledged
 * it, so a batch of the publishing processor costs one broker round trip per event. Here every event of the batch is
 * sent at once (the idempotent producer keeps per-partition order, at most 5 requests in flight), and the unit of
 * work's prepare-commit phase waits until every record of the batch is acknowledged. The processor stores its token
 * in that same unit of work, after the wait: the position still moves only past events the broker has acknowledged.
 * A failed or late acknowledgement fails the batch; it is rolled back and retried from the old position (records
 * already acknowledged are then sent again; consumers ignore duplicates by the per-incident sequence).
 */
class BatchAcknowledgedKafkaPublisher<K, V> extends KafkaPublisher<K, V> {

    private static final String PENDING_ACKS = BatchAcknowledgedKafkaPublisher.class.getName() + ".pendingAcks";

    private final ProducerFactory<K, V> producerFactory;
    private final KafkaMessageConverter<K, V> messageConverter;
    private final TopicResolver topicResolver;
    private final Duration ackTimeout;

    BatchAcknowledgedKafkaPublisher(Serializer serializer,
                                    ProducerFactory<K, V> producerFactory,
                                    KafkaMessageConverter<K, V> messageConverter,
                                    TopicResolver topicResolver,
                                    Duration ackTimeout) {
        super(KafkaPublisher.<K, V>builder()
                .serializer(serializer)
                .producerFactory(producerFactory)
                .messageConverter(messageConverter)
                .topicResolver(topicResolver)
                .publisherAckTimeout(ackTimeout.toMillis()));
        this.producerFactory = producerFactory;
        this.messageConverter = messageConverter;
        this.topicResolver = topicResolver;
        this.ackTimeout = ackTimeout;
    }

    @Override
    public <T extends EventMessage<?>> void send(T event) {
        Optional<String> topic = topicResolver.resolve(event);
        if (topic.isEmpty()) {
            return;
        }
        if (!CurrentUnitOfWork.isStarted() || producerFactory.confirmationMode().isTransactional()) {
            super.send(event);
            return;
        }
        List<Future<RecordMetadata>> pending = pendingAcks(CurrentUnitOfWork.get().root());
        Producer<K, V> producer = producerFactory.createProducer();
        try {
            pending.add(producer.send(messageConverter.createKafkaMessage(event, topic.get())));
        } finally {
            // the non-transactional producer is shared; closing it here only hands it back
            producer.close();
        }
    }

    private List<Future<RecordMetadata>> pendingAcks(UnitOfWork<?> unitOfWork) {
        return unitOfWork.getOrComputeResource(PENDING_ACKS, key -> {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            unitOfWork.onPrepareCommit(u -> awaitAll(acks));
            return acks;
        });
    }

    private void awaitAll(List<Future<RecordMetadata>> acks) {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        for (Future<RecordMetadata> ack : acks) {
            try {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EventPublicationFailedException("Interrupted while waiting for the broker", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new EventPublicationFailedException(
                        "The broker did not acknowledge every event of the batch (" + acks.size() + ")", e);
            }
        }
    }
}
