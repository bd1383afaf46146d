package io.incidenttracker.query.webhook;

import io.incidenttracker.query.consuming.Processors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.KafkaTrackingToken;
import org.axonframework.lifecycle.Phase;
import org.axonframework.springboot.EventProcessorProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The webhook outbox's first start: with no subscription to serve, it starts at the end of the topic.
 * <p>
 * A subscription receives only the events recorded after it was created, and every such event is published after
 * that moment, so behind the end of the topic as it is read here, before the subscriptions are. When the outbox has
 * no position yet and no subscription exists (a new database, a rebuild of the query side), none of the records
 * already on the topic can be due to anyone: reading them would queue nothing and only cost a fourth reading and
 * decoding of the whole topic beside the projections, the history and the ledger. With a subscription in the
 * database, the outbox starts from the beginning as every other processor does, and each subscription's creation
 * time decides as before. A position already stored is never touched.
 * <p>
 * Runs before the other processors' first start ({@code ProcessorFirstStart}), which then finds the outbox's
 * position in place.
 */
@Component
class WebhookOutboxFirstStart implements ConfigurerModule {

    private static final Logger log = LoggerFactory.getLogger(WebhookOutboxFirstStart.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    // looked up when the processors start, not when Axon's configuration is assembled
    private final ObjectProvider<Admin> admin;
    private final ObjectProvider<KafkaProperties> kafkaProperties;
    private final ObjectProvider<WebhookSubscriptions> subscriptions;
    private final EventProcessorProperties properties;

    WebhookOutboxFirstStart(ObjectProvider<Admin> admin, ObjectProvider<KafkaProperties> kafkaProperties,
                            ObjectProvider<WebhookSubscriptions> subscriptions, EventProcessorProperties properties) {
        this.admin = admin;
        this.kafkaProperties = kafkaProperties;
        this.subscriptions = subscriptions;
        this.properties = properties;
    }

    @Override
    public void configureModule(Configurer configurer) {
        configurer.onInitialize(configuration -> configuration.onStart(Phase.INBOUND_EVENT_CONNECTORS - 2,
                () -> startAtTheEndIfNobodyListens(configuration)));
    }

    void startAtTheEndIfNobodyListens(Configuration configuration) {
        String processor = Processors.WEBHOOK_OUTBOX;
        TokenStore tokens = configuration.eventProcessingConfiguration().tokenStore(processor);
        TransactionManager transactions = configuration.getComponent(TransactionManager.class);
        if (transactions.fetchInTransaction(() -> tokens.fetchSegments(processor)).length > 0) {
            return; // started before: its position stands
        }
        // the end first, then the subscriptions: one created in between has only later events to receive
        KafkaTrackingToken end;
        try {
            end = endOfTopic();
        } catch (RuntimeException e) {
            // the safe way: from the beginning, like the other processors, each subscription's time deciding
            log.warn("Cannot read the end of the topic for processor {} ({}); it starts from the beginning",
                     processor, e.toString());
            return;
        }
        try {
            transactions.executeInTransaction(() -> {
                if (tokens.fetchSegments(processor).length == 0 && subscriptions.getObject().all().isEmpty()) {
                    tokens.initializeTokenSegments(processor, segmentCount(processor), end);
                    log.info("Processor {} starts for the first time with no subscription: at the end of the topic "
                                     + "({})", processor, end.getPositions());
                }
            });
        } catch (UnableToInitializeTokenException e) {
            log.info("Tokens of processor {} were initialized by another instance", processor);
        }
    }

    /** The position after the last record of every partition (a Kafka token holds the last offset handled). */
    private KafkaTrackingToken endOfTopic() {
        String topic = kafkaProperties.getObject().getDefaultTopic();
        Admin admin = this.admin.getObject();
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()),
                                                              OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(request).all()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> positions = new HashMap<>();
            ends.forEach((partition, end) -> {
                if (end.offset() > 0) {
                    positions.put(partition, end.offset() - 1);
                }
            });
            return KafkaTrackingToken.newInstance(positions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the end of topic " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the end of topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No answer from the brokers on the end of topic " + topic, e);
        }
    }

    private int segmentCount(String processor) {
        EventProcessorProperties.ProcessorSettings settings = properties.getProcessors().get(processor);
        Integer count = settings == null ? null : settings.getInitialSegmentCount();
        return count == null ? 1 : count;
    }
}
