package io.incidenttracker.command.eventstore;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.serialization.AnnotationRevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Snapshots of aggregates, so that a command does not re-read an incident's whole history.
 * <p>
 * After a command that brought an incident more than {@code incidenttracker.snapshots.threshold} events past its last
 * snapshot (counting the events read to load it), the aggregate's state is written to {@code snapshot_event_entry}
 * and the next load starts there. Snapshots are a cache, never the truth: they are taken after the command commits,
 * on a thread of their own, and a request that finds the queue full is dropped (the next command asks again).
 * <p>
 * The state is stored as JSON of the aggregate's fields, with the aggregate's {@code @Revision}. A snapshot of another
 * revision is ignored and the incident is replayed from its events, so changing the aggregate's fields needs only a
 * new revision, never a migration; a snapshot that cannot be read is likewise ignored.
 */
@Configuration(proxyBeanMethods = false)
public class SnapshotConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SnapshotConfiguration.class);

    /**
     * The JSON form of aggregate state: every field, no getters, instants as decimal epoch seconds (read several times
     * faster than ISO-8601 text, and snapshots are read by every command).
     */
    private static ObjectMapper snapshotObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .setVisibility(PropertyAccessor.ALL, Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, Visibility.ANY)
                .setVisibility(PropertyAccessor.CREATOR, Visibility.ANY);
    }

    @Bean
    Serializer snapshotSerializer() {
        return serializer();
    }

    /** How snapshots are written and read, with the aggregate's {@code @Revision} as theirs. */
    public static Serializer serializer() {
        return JacksonSerializer.builder()
                .objectMapper(snapshotObjectMapper())
                .revisionResolver(new AnnotationRevisionResolver())
                .build();
    }

    /** Axon's snapshotter, on a single thread of its own with a bounded queue instead of the committing thread. */
    @Bean
    SpringAggregateSnapshotter aggregateSnapshotter(org.axonframework.config.Configuration configuration,
                                                    HandlerDefinition handlerDefinition,
                                                    ParameterResolverFactory parameterResolverFactory,
                                                    EventStore eventStore, TransactionManager transactionManager,
                                                    SnapshotterSpanFactory spanFactory,
                                                    ThreadPoolExecutor snapshotExecutor) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(configuration::repository)
                .transactionManager(transactionManager)
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .executor(snapshotExecutor)
                .build();
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolExecutor snapshotExecutor(@Value("${incidenttracker.snapshots.queue-capacity:1000}") int capacity) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(capacity), runnable -> {
                    Thread thread = new Thread(runnable, "aggregate-snapshotter");
                    thread.setDaemon(true);
                    return thread;
                }, (runnable, pool) -> log.debug("Snapshot queue full; a snapshot request was dropped"));
        return executor;
    }

    /** Named in {@code @Aggregate(snapshotTriggerDefinition = ...)} of the incident. */
    @Bean
    SnapshotTriggerDefinition incidentSnapshotTrigger(SpringAggregateSnapshotter aggregateSnapshotter,
                                                      @Value("${incidenttracker.snapshots.threshold:50}")
                                                      int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("incidenttracker.snapshots.threshold must be at least 1, was "
                    + threshold);
        }
        return new EventCountSnapshotTriggerDefinition(aggregateSnapshotter, threshold);
    }
}
