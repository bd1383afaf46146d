package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Holds startup until the incident topic exists. The Kafka message source assigns the partitions it finds when its
 * stream opens and never looks again, so a processor started before the topic would read nothing until restarted.
 * Singletons are initialised before any processor starts, hence an {@link InitializingBean}.
 */
@Component
public class KafkaTopicAwaiter implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopicAwaiter.class);
    private static final long RETRY_INTERVAL_MS = 1000;

    private final Admin admin;
    private final String topic;
    private final Duration timeout;

    public KafkaTopicAwaiter(Admin admin, KafkaProperties kafkaProperties, QueryKafkaProperties properties) {
        this.admin = admin;
        this.topic = kafkaProperties.getDefaultTopic();
        this.timeout = properties.topicWaitTimeout();
    }

    @Override
    public void afterPropertiesSet() throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean announced = false;
        while (true) {
            String reason;
            try {
                Map<String, TopicDescription> topics = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(RETRY_INTERVAL_MS * 3, TimeUnit.MILLISECONDS);
                int partitions = topics.get(topic).partitions().size();
                log.info("Topic {} found with {} partitions; event processors may start", topic, partitions);
                return;
            } catch (ExecutionException e) {
                reason = e.getCause() == null ? e.toString() : e.getCause().getClass().getSimpleName();
            } catch (java.util.concurrent.TimeoutException e) {
                reason = "no answer from the brokers";
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka topic " + topic + " did not become available within "
                        + timeout + " (" + reason + "); is the broker up, and has the command service created it?");
            }
            if (!announced) {
                log.warn("Waiting up to {} for Kafka topic {} ({}) before starting the event processors",
                         timeout, topic, reason);
                announced = true;
            }
            Thread.sleep(RETRY_INTERVAL_MS);
        }
    }
}
