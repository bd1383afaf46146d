package io.incidenttracker.command.support;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A test class's own broker, and the properties pointing the service at it and at the test database. */
public final class TestInfrastructure {

    private TestInfrastructure() {
    }

    /** A one-node KRaft broker that creates no topic by itself: the service provisions its topic. */
    public static EmbeddedKafkaKraftBroker startBroker(int partitions) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.afterPropertiesSet();
        return broker;
    }

    public static void register(DynamicPropertyRegistry registry, String database, EmbeddedKafkaKraftBroker broker) {
        registry.add("spring.datasource.url", () -> database);
        registry.add("spring.datasource.username", () -> TestDatabases.USER);
        registry.add("spring.datasource.password", () -> TestDatabases.PASSWORD);
        registry.add("axon.kafka.bootstrap-servers", broker::getBrokersAsString);
    }
}
