package io.incidenttracker.query.audit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Publishes each checkpoint to a Kafka topic (one partition, kept forever, created when missing), key = the log's
 * origin, value = the checkpoint JSON; waits for the broker's acknowledgement of all in-sync replicas.
 */
public class KafkaCheckpointPublisher implements CheckpointPublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaCheckpointPublisher.class);

    private final Admin admin;
    private final String topic;
    private final String origin;
    private final Map<String, Object> producerConfig;
    private KafkaProducer<String, String> producer;
    private boolean topicChecked;

    public KafkaCheckpointPublisher(Admin admin, String bootstrapServers, Map<String, Object> clientProperties,
                                    String topic, String origin) {
        this.admin = admin;
        this.topic = topic;
        this.origin = origin;
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "incident-query-audit-checkpoints");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        this.producerConfig = config;
    }

    @Override
    public String name() {
        return "Kafka topic " + topic;
    }

    @Override
    public synchronized void publish(SignedCheckpoint checkpoint) throws Exception {
        ensureTopic();
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig);
        }
        producer.send(new ProducerRecord<>(topic, origin, checkpoint.toJson())).get(15, TimeUnit.SECONDS);
    }

    private void ensureTopic() throws InterruptedException, ExecutionException {
        if (topicChecked) {
            return;
        }
        try {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of("retention.ms", "-1", "cleanup.policy", "delete"));
            admin.createTopics(List.of(newTopic)).all().get();
            log.info("Created the checkpoint topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        topicChecked = true;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}
