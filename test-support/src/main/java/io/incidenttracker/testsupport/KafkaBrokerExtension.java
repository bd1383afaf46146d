package io.incidenttracker.testsupport;

import io.incidenttracker.events.CloudEventsContract;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real KRaft broker with the incident topic (6 partitions) for each test class, started before the Spring context
 * and stopped after it. Register it before the Spring extension.
 */
public class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private static volatile EmbeddedKafkaKraftBroker broker;

    public static String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("No broker: register KafkaBrokerExtension on the test class");
        }
        return broker.getBrokersAsString();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = TestBroker.withTopics(6, CloudEventsContract.DEFAULT_TOPIC);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.destroy();
            broker = null;
        }
    }
}
