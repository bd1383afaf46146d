package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends every undecodable record to the dead-letter topic {@code incident-events.dlq}: the original key, value and
 * headers, plus {@code dlq-reason}, {@code dlq-topic}, {@code dlq-partition} and {@code dlq-offset}. The send is
 * acknowledged before the processor moves on, so a dead letter is published at least once; a replay of the topic
 * does not publish it again.
 */
@Component
@ProcessingGroup(Processors.INCIDENT_PROJECTION)
public class DeadLetterTopicPublisher implements InitializingBean, DisposableBean {

    public static final String DEAD_LETTER_TOPIC = "incident-events.dlq";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterTopicPublisher.class);

    private final Admin admin;
    private final KafkaProducer<String, byte[]> producer;
    private final Duration topicWaitTimeout;

    public DeadLetterTopicPublisher(Admin admin, KafkaProperties kafkaProperties, QueryKafkaProperties properties) {
        this.admin = admin;
        this.topicWaitTimeout = properties.topicWaitTimeout();
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaProperties.getBootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "incident-query-dlq");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    /**
     * Creates the dead-letter topic when it is missing, retrying while the brokers do not answer (a broker starting
     * beside the service, or a machine under load) for as long as startup waits for the incident topic.
     */
    @Override
    public void afterPropertiesSet() throws Exception {
        long deadline = System.nanoTime() + topicWaitTimeout.toNanos();
        boolean announced = false;
        while (true) {
            try {
                ensureTopic();
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean retriable = cause instanceof RetriableException
                        || cause instanceof java.util.concurrent.TimeoutException;
                if (!retriable || System.nanoTime() > deadline) {
                    throw e;
                }
                if (!announced) {
                    log.warn("The brokers did not answer about the dead-letter topic ({}); retrying for up to {}",
                             cause.toString(), topicWaitTimeout);
                    announced = true;
                }
                Thread.sleep(1000);
            }
        }
    }

    /** Creates the dead-letter topic when it is missing; it keeps its records as long as the main topic. */
    private void ensureTopic() throws Exception {
        if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(DEAD_LETTER_TOPIC)) {
            return;
        }
        try {
            admin.createTopics(List.of(new NewTopic(DEAD_LETTER_TOPIC, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))).all().get(30, TimeUnit.SECONDS);
            log.info("Created the dead-letter topic '{}'", DEAD_LETTER_TOPIC);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @EventHandler
    @DisallowReplay
    public void on(UndecodableRecord record) throws Exception {
        ProducerRecord<String, byte[]> deadLetter =
                new ProducerRecord<>(DEAD_LETTER_TOPIC, null, record.key(), record.value());
        record.headers().forEach((name, value) -> deadLetter.headers().add(new RecordHeader(name, value)));
        deadLetter.headers()
                .add("dlq-reason", utf8(record.reason()))
                .add("dlq-topic", utf8(record.topic()))
                .add("dlq-partition", utf8(Integer.toString(record.partition())))
                .add("dlq-offset", utf8(Long.toString(record.offset())));
        producer.send(deadLetter).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void destroy() {
        producer.close();
    }

    private static byte[] utf8(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}
