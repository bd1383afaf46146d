package io.incidenttracker.command.publishing;

import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.axonframework.extensions.kafka.eventhandling.producer.ProducerFactory;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes stored events again, for disaster recovery when the topic or part of it is lost. Reads the event store
 * in order (one incident by sequence, or all by global index), turns each event into the very record the publisher
 * produced (same converter: same CloudEvents id, type, sequence, recorded time and data) and sends it with the
 * publisher's producer settings, waiting for the broker's acknowledgement of every record. Consumers stay correct:
 * they ignore an event whose sequence they have applied, and the audit ledger one whose id it holds.
 */
@Component
public class Republisher {

    private static final Logger log = LoggerFactory.getLogger(Republisher.class);
    private static final int PROGRESS_EVERY = 10_000;

    private final EventStore eventStore;
    private final KafkaMessageConverter<String, CloudEvent> converter;
    private final ProducerFactory<String, CloudEvent> producers;
    private final String topic;

    /** The extension declares its producer factory without type arguments; in cloud_event mode it is this one. */
    @SuppressWarnings("unchecked")
    public Republisher(EventStore eventStore, KafkaMessageConverter<String, CloudEvent> converter,
                       ProducerFactory<?, ?> producers, KafkaProperties kafka) {
        this.eventStore = eventStore;
        this.converter = converter;
        this.producers = (ProducerFactory<String, CloudEvent>) producers;
        this.topic = kafka.getDefaultTopic();
    }

    /** Every event of one incident, in sequence order; the number sent. */
    public long republish(UUID incidentId) {
        DomainEventStream events = eventStore.readEvents(incidentId.toString());
        if (!events.hasNext()) {
            throw new AggregateNotFoundException(incidentId.toString(), "No incident " + incidentId);
        }
        return send(() -> events.hasNext() ? events.next() : null, "incident " + incidentId);
    }

    /** Every stored event, in the order of the event store; the number sent. */
    public long republishAll() {
        try (BlockingStream<TrackedEventMessage<?>> events = eventStore.openStream(null)) {
            return send(() -> events.hasNextAvailable() ? next(events) : null, "all incidents");
        }
    }

    private long send(EventSource events, String scope) {
        log.warn("Republishing the stored events of {} to topic '{}'", scope, topic);
        long sent = 0;
        Producer<String, CloudEvent> producer = producers.createProducer();
        try {
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            for (EventMessage<?> event = events.next(); event != null; event = events.next()) {
                pending.add(producer.send(converter.createKafkaMessage(event, topic)));
                sent++;
                if (pending.size() >= 500) {
                    awaitAcknowledgements(pending);
                }
                if (sent % PROGRESS_EVERY == 0) {
                    log.info("Republished {} events of {}", sent, scope);
                }
            }
            awaitAcknowledgements(pending);
        } finally {
            producer.close();
        }
        log.warn("Republished {} events of {} to topic '{}'", sent, scope, topic);
        return sent;
    }

    private static void awaitAcknowledgements(List<Future<RecordMetadata>> pending) {
        try {
            for (Future<RecordMetadata> acknowledgement : pending) {
                acknowledgement.get(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
            }
            pending.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while republishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The broker did not acknowledge a republished event", e);
        }
    }

    private static TrackedEventMessage<?> next(BlockingStream<TrackedEventMessage<?>> events) {
        try {
            return events.nextAvailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the event store", e);
        }
    }

    /** The next event to send, or null at the end. */
    @FunctionalInterface
    private interface EventSource {
        EventMessage<?> next();
    }
}
