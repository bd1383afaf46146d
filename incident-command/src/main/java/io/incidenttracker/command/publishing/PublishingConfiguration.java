package io.incidenttracker.command.publishing;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventSerializer;
import io.incidenttracker.command.eventstore.SerializationConfiguration;
import io.incidenttracker.platform.health.KafkaHealthIndicator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.common.Registration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Kafka publisher: a {@link PublicationRelay} over the event store (the store is the outbox), its producer, its
 * metrics ({@code incident.publication.lag}, {@code incident.publication.pending}) and its health ({@code
 * publication}); the topic and the Kafka health check.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({TopicSettings.class, KafkaProperties.class})
class PublishingConfiguration {

    /** The relay's name: its row in {@code publication_position}. */
    static final String PUBLISHER = "kafka";

    /**
     * Two producers are enough (a batch begins while at most the one before it is still being completed at the
     * broker); more only hold connections and threads.
     */
    static final int MAX_PRODUCERS = 8;

    @Bean
    CloudEventRecordConverter kafkaMessageConverter(TopicSettings settings) {
        // the store's own mapper: an event stored at its current revision is sent as stored, which holds only while
        // the store and the records write the same JSON
        return new CloudEventRecordConverter(SerializationConfiguration.eventObjectMapper(), settings.source());
    }

    /** Producers of binary-mode CloudEvent records with the checked settings of {@code axon.kafka.producer}. */
    @Bean
    Supplier<Producer<String, CloudEvent>> cloudEventProducers(KafkaProperties properties) {
        ProducerSafetyCheck.verify(properties);
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
        return () -> new KafkaProducer<>(config);
    }

    /**
     * The relay's producers: the same settings, each transactional under a fixed {@code transactional.id}, so that the
     * instance that takes the publication over fences the producers of the one it replaces (decision 0026); batches
     * take turns between them (decision 0044).
     */
    static List<Supplier<Producer<String, CloudEvent>>> transactionalProducers(KafkaProperties properties,
                                                                             String transactionalId, int count) {
        ProducerSafetyCheck.verify(properties);
        List<Supplier<Producer<String, CloudEvent>>> producers = new ArrayList<>();
        for (String id : transactionalIds(transactionalId, count)) {
            Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            producers.add(() -> new KafkaProducer<>(config));
        }
        return producers;
    }

    /**
     * The relay's transactional ids: the configured one, then the same with {@code -2}, {@code -3}... The first is the
     * configured id itself, so a relay of a version that had one producer is fenced by its successor.
     */
    static List<String> transactionalIds(String transactionalId, int count) {
        if (transactionalId == null || transactionalId.isBlank()) {
            throw new IllegalArgumentException("incidenttracker.kafka.publisher.transactional-id must not be blank");
        }
        if (count < 1 || count > MAX_PRODUCERS) {
            throw new IllegalArgumentException("incidenttracker.kafka.publisher.producers must be between 1 and "
                    + MAX_PRODUCERS + ", not " + count);
        }
        List<String> ids = new ArrayList<>(count);
        ids.add(transactionalId);
        for (int i = 2; i <= count; i++) {
            ids.add(transactionalId + "-" + i);
        }
        return ids;
    }

    @Bean
    StoredEvents storedEvents(@Qualifier("eventSerializer") Serializer eventSerializer,
                              org.axonframework.config.Configuration axon) {
        return new StoredEvents(eventSerializer, axon.upcasterChain());
    }

    @Bean
    PublicationRelay publicationRelay(DataSource dataSource, StoredEvents storedEvents,
                                      CloudEventRecordConverter kafkaMessageConverter,
                                      KafkaProperties kafka, TopicSettings topic,
                                      @Value("${incidenttracker.kafka.publisher.batch-size:500}") int batchSize,
                                      @Value("${incidenttracker.kafka.publisher.idle-poll:5ms}") Duration idlePoll,
                                      @Value("${incidenttracker.kafka.publisher.ack-timeout:10s}") Duration ackTimeout,
                                      @Value("${incidenttracker.kafka.publisher.standby-poll:250ms}") Duration standbyPoll,
                                      @Value("${incidenttracker.kafka.publisher.transactional-id:incident-command-publisher}")
                                      String transactionalId,
                                      @Value("${incidenttracker.kafka.publisher.producers:2}") int producers,
                                      MeterRegistry meters) {
        return new PublicationRelay(PUBLISHER, dataSource, storedEvents, kafkaMessageConverter,
                transactionalProducers(kafka, transactionalId, producers), topic.topic(), batchSize, idlePoll, ackTimeout,
                standbyPoll, new PublicationMeters(meters, PUBLISHER));
    }

    /** Runs the relay while the service runs: it starts once everything else has, and stops first. */
    @Bean
    SmartLifecycle publicationRelayLifecycle(PublicationRelay publicationRelay, TopicProvisioner topicProvisioner) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                publicationRelay.start();
            }

            @Override
            public void stop() {
                publicationRelay.stop();
            }

            @Override
            public boolean isRunning() {
                return publicationRelay.isRunning();
            }
        };
    }

    /** Wakes the relay as soon as a unit of work of this process has committed events. */
    @Bean(destroyMethod = "cancel")
    Registration wakeRelayAfterCommit(EventStore eventStore, PublicationRelay publicationRelay) {
        return eventStore.registerDispatchInterceptor(messages -> {
            CurrentUnitOfWork.ifStarted(unitOfWork -> unitOfWork.root().getOrComputeResource(
                    PublicationRelay.class.getName(), key -> {
                        unitOfWork.root().afterCommit(u -> publicationRelay.wake());
                        return Boolean.TRUE;
                    }));
            return (index, message) -> message;
        });
    }

    @Bean
    PublicationMonitor publicationHealthIndicator(PublicationRelay publicationRelay, JdbcTemplate jdbc,
                                          MeterRegistry meters) {
        PublicationMonitor monitor = new PublicationMonitor(publicationRelay, jdbc);
        Gauge.builder("incident.publication.lag", monitor, PublicationMonitor::lagSeconds)
                .description("Age of the oldest committed event the broker has not acknowledged yet (0 when none)")
                .baseUnit("seconds").register(meters);
        Gauge.builder("incident.publication.pending", monitor, PublicationMonitor::pendingEvents)
                .description("Committed events not acknowledged by the broker yet")
                .baseUnit("events").register(meters);
        return monitor;
    }

    @Bean(destroyMethod = "close")
    Admin kafkaAdmin(KafkaProperties properties) {
        ProducerSafetyCheck.verify(properties);
        Map<String, Object> config = new HashMap<>(properties.buildProducerProperties());
        Map<String, Object> adminConfig = new HashMap<>();
        config.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(adminConfig);
    }

    @Bean
    TopicProvisioner topicProvisioner(Admin kafkaAdmin, TopicSettings settings) {
        return new TopicProvisioner(kafkaAdmin, settings);
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(Admin kafkaAdmin) {
        return new KafkaHealthIndicator(kafkaAdmin, Duration.ofSeconds(3));
    }
}
