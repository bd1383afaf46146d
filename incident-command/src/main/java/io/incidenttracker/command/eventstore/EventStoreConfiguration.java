package io.incidenttracker.command.eventstore;

import io.incidenttracker.platform.axon.TokenTable;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * The event store on PostgreSQL, with the snake_case tables that Flyway creates (V1__event_store.sql).
 * <p>
 * Each event's position is (transaction id, global index), both filled in by column defaults
 * (V5__position_by_transaction_id.sql), so Axon's storage engine needs no change: its INSERT leaves them out. The
 * publisher reads by that position below the horizon ({@code publishing.StoredEvents}), not through Axon's streams.
 */
@Configuration(proxyBeanMethods = false)
class EventStoreConfiguration {

    /** Events read per statement when an incident is loaded (Axon's default). */
    static final int EVENT_BATCH_SIZE = 100;

    @Bean
    EventSchema eventSchema() {
        return EventSchema.builder()
                .eventTable("domain_event_entry")
                .snapshotTable("snapshot_event_entry")
                .globalIndexColumn("global_index")
                .timestampColumn("time_stamp")
                .eventIdentifierColumn("event_identifier")
                .aggregateIdentifierColumn("aggregate_identifier")
                .sequenceNumberColumn("sequence_number")
                .typeColumn("type")
                .payloadTypeColumn("payload_type")
                .payloadRevisionColumn("payload_revision")
                .payloadColumn("payload")
                .metaDataColumn("meta_data")
                .build();
    }

    @Bean
    TokenSchema tokenSchema() {
        return TokenTable.schema();
    }

    @Bean
    EventStorageEngine eventStorageEngine(@Qualifier("snapshotSerializer") Serializer snapshotSerializer,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          PersistenceExceptionResolver persistenceExceptionResolver,
                                          org.axonframework.config.Configuration configuration,
                                          ConnectionProvider connectionProvider,
                                          TransactionManager transactionManager,
                                          EventSchema eventSchema,
                                          @Value("${incidenttracker.event-store.gap-timeout:PT60S}")
                                          Duration gapTimeout,
                                          @Value("${incidenttracker.event-store.gap-cleaning-threshold:250}")
                                          int gapCleaningThreshold) {
        JdbcEventStorageEngine.Builder builder = JdbcEventStorageEngine.builder()
                .batchSize(EVENT_BATCH_SIZE)
                // an incident's sequence numbers are contiguous: a batch shorter than asked for is the last one, so
                // a load ends without the extra read that would return nothing (Axon's default stops at an empty one)
                .finalAggregateBatchPredicate(batch -> batch.size() < EVENT_BATCH_SIZE)
                .snapshotSerializer(snapshotSerializer)
                .eventSerializer(eventSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .schema(eventSchema)
                .gapTimeout((int) gapTimeout.toMillis())
                .gapCleaningThreshold(gapCleaningThreshold)
                .transactionManager(transactionManager);
        return builder.build();
    }
}
