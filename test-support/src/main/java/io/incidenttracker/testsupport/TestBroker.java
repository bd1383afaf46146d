package io.incidenttracker.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One-node KRaft brokers for the tests, started in the test's JVM. */
public final class TestBroker {

    private TestBroker() {
    }

    /** A broker that creates no topic by itself: the service under test provisions its topics. */
    public static EmbeddedKafkaKraftBroker withoutTopics(int partitions) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.afterPropertiesSet();
        return broker;
    }

    /** A broker with the given topics already there, each with the given number of partitions. */
    public static EmbeddedKafkaKraftBroker withTopics(int partitions, String... topics) {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, partitions, topics);
        broker.afterPropertiesSet();
        return broker;
    }
}
