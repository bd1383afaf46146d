package io.incidenttracker.command.publishing;

import io.cloudevents.CloudEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Publishes stored events again, for disaster recovery when the topic or part of it is lost. Reads the event store
 * in order (one incident by sequence, or all in the publisher's order: by transaction id and global index, below the
 * horizon, each incident in sequence order), turns each event into the very record the publisher
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
    private final Supplier<Producer<String, CloudEvent>> producers;
    private final StoredEvents storedEvents;
    private final DataSource dataSource;
    private final String topic;

    Republisher(EventStore eventStore, KafkaMessageConverter<String, CloudEvent> converter,
                Supplier<Producer<String, CloudEvent>> cloudEventProducers, StoredEvents storedEvents,
                DataSource dataSource, TopicSettings settings) {
        this.eventStore = eventStore;
        this.converter = converter;
        this.producers = cloudEventProducers;
        this.storedEvents = storedEvents;
        this.dataSource = dataSource;
        this.topic = settings.topic();
    }

    /** Every event of one incident, in sequence order; the number sent. */
    public long republish(UUID incidentId) {
        DomainEventStream events = eventStore.readEvents(incidentId.toString());
        if (!events.hasNext()) {
            throw new AggregateNotFoundException(incidentId.toString(), "No incident " + incidentId);
        }
        return send(() -> events.hasNext() ? events.next() : null, "incident " + incidentId);
    }

    /**
     * Every event stored when the call begins, in the publisher's order; the number sent. Waits, as the publisher
     * does, for transactions still running to end.
     */
    public long republishAll() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            Position end = lastPosition(connection);
            Iterator<EventMessage<?>> events = new Iterator<>() {
                private Position position = Position.START;
                private Iterator<StoredEvents.StoredEvent> window = List.<StoredEvents.StoredEvent>of().iterator();

                @Override
                public boolean hasNext() {
                    while (!window.hasNext()) {
                        PublicationWindow.Plan<StoredEvents.StoredEvent> plan = nextWindow();
                        if (plan == null) {
                            return false;
                        }
                        window = plan.toSend().stream().filter(e -> !e.position().isAfter(end)).iterator();
                        position = plan.lastPosition();
                    }
                    return true;
                }

                @Override
                public EventMessage<?> next() {
                    return storedEvents.message(window.next());
                }

                /** The next window up to the end; null past it. */
                private PublicationWindow.Plan<StoredEvents.StoredEvent> nextWindow() {
                    while (end.isAfter(position)) {
                        try {
                            PublicationWindow.Plan<StoredEvents.StoredEvent> plan =
                                    storedEvents.nextWindow(connection, position, 500).plan();
                            if (!plan.toSend().isEmpty()) {
                                return plan;
                            }
                            Thread.sleep(10); // events up to the end wait to fall below the horizon
                        } catch (SQLException e) {
                            throw new IllegalStateException("Cannot read the event store", e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("Interrupted while reading the event store", e);
                        }
                    }
                    return null;
                }
            };
            return send(() -> events.hasNext() ? events.next() : null, "all incidents");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot read the event store", e);
        }
    }

    /** The position of the last event committed so far. */
    private static Position lastPosition(Connection connection) throws SQLException {
        try (var statement = connection.createStatement(); var rows = statement.executeQuery(
                "SELECT transaction_id::text, global_index FROM domain_event_entry "
                        + "ORDER BY transaction_id DESC, global_index DESC LIMIT 1")) {
            return rows.next() ? new Position(Long.parseLong(rows.getString(1)), rows.getLong(2)) : Position.START;
        }
    }

    private long send(EventSource events, String scope) {
        log.warn("Republishing the stored events of {} to topic '{}'", scope, topic);
        long sent = 0;
        Producer<String, CloudEvent> producer = producers.get();
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

    /** The next event to send, or null at the end. */
    @FunctionalInterface
    private interface EventSource {
        EventMessage<?> next();
    }
}
