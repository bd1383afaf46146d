package io.incidenttracker.query.consuming;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Startup waits for the topic, within a bound, because the Kafka source assigns partitions only once. */
class KafkaTopicAwaiterTest {

    private static EmbeddedKafkaKraftBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBrokerWithoutTopics() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.destroy();
    }

    @Test
    void waitsUntilTheTopicIsCreated() throws Exception {
        CompletableFuture<Void> creation = CompletableFuture.runAsync(
                () -> admin.createTopics(List.of(new NewTopic("late-topic", 6, (short) 1))),
                CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS));
        long start = System.nanoTime();

        awaiter("late-topic", Duration.ofSeconds(20)).afterPropertiesSet();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        creation.get(5, TimeUnit.SECONDS);
    }

    @Test
    void failsStartupWhenTheTopicDoesNotAppearInTime() {
        assertThatThrownBy(() -> awaiter("never-created", Duration.ofSeconds(2)).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never-created");
    }

    private static KafkaTopicAwaiter awaiter(String topic, Duration timeout) {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setDefaultTopic(topic);
        return new KafkaTopicAwaiter(admin, kafka, new QueryKafkaProperties(timeout, Duration.ofSeconds(2), null));
    }
}
