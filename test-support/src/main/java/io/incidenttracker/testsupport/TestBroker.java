package io.incidenttracker.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** One-node KRaft brokers for the tests, started in the test's JVM. */
public final class TestBroker {

    private TestBroker() {
    }

    /** A broker that creates no topic by itself: the service under test provisions its topics. */
    public static EmbeddedKafkaKraftBroker withoutTopics(int partitions) {
        EmbeddedKafkaKraftBroker broker = singleNode(new EmbeddedKafkaKraftBroker(1, partitions));
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.afterPropertiesSet();
        return broker;
    }

    /** A broker with the given topics already there, each with the given number of partitions. */
    public static EmbeddedKafkaKraftBroker withTopics(int partitions, String... topics) {
        EmbeddedKafkaKraftBroker broker = singleNode(new EmbeddedKafkaKraftBroker(1, partitions, topics));
        broker.afterPropertiesSet();
        return broker;
    }

    /**
     * Kafka's transaction state log (the publisher's batches are transactions) defaults to three replicas, which
     * one broker cannot hold: one replica and a few partitions here.
     */
    private static EmbeddedKafkaKraftBroker singleNode(EmbeddedKafkaKraftBroker broker) {
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.brokerProperty("transaction.state.log.num.partitions", "4");
        return broker;
    }
}
