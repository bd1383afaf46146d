package io.incidenttracker.command.publishing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.incidenttracker.platform.health.KafkaHealthIndicator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaEventPublisher;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaPublisher;
import org.axonframework.extensions.kafka.eventhandling.producer.ProducerFactory;
import org.axonframework.extensions.kafka.eventhandling.producer.TopicResolver;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka publisher: Axon's tracking processor over the event store (the store is the outbox) hands each committed
 * event to the extension's publisher, which waits for the broker's acknowledgement before its token moves on.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopicSettings.class)
class PublishingConfiguration {

    @Bean
    KafkaMessageConverter<String, CloudEvent> kafkaMessageConverter(TopicSettings settings) {
        ObjectMapper contractMapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return new CloudEventRecordConverter(contractMapper, settings.source());
    }

    /** Replaces the extension's publisher (it backs off): one wait for the broker per batch, not per event. */
    @Bean
    @SuppressWarnings("unchecked")
    KafkaPublisher<String, CloudEvent> kafkaPublisher(
            Serializer serializer,
            ProducerFactory<?, ?> kafkaProducerFactory,
            KafkaMessageConverter<String, CloudEvent> kafkaMessageConverter,
            TopicResolver topicResolver,
            @Value("${incidenttracker.kafka.publisher.ack-timeout:30s}") Duration ackTimeout) {
        return new BatchAcknowledgedKafkaPublisher<>(serializer, (ProducerFactory<String, CloudEvent>) kafkaProducerFactory,
                kafkaMessageConverter, topicResolver, ackTimeout);
    }

    /** How many events the publishing processor reads, sends and has acknowledged per unit of work. */
    @Bean
    ConfigurerModule publisherBatchSize(@Value("${incidenttracker.kafka.publisher.batch-size:500}") int batchSize) {
        return configurer -> configurer.eventProcessing().registerTrackingEventProcessorConfiguration(
                KafkaEventPublisher.DEFAULT_PROCESSING_GROUP,
                c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(batchSize));
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
