package io.incidenttracker.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a {@link BrokerCluster}: a KRaft broker and controller in a process of its own, so that a kill -9 of it
 * is real. {@code ClusterNode DIRECTORY NODE_ID PORT CONTROLLER_PORT VOTERS SIZE}; it prints {@code READY <bootstrap>}
 * once the node is part of the cluster and runs until the process ends.
 */
public final class ClusterNode {

    private ClusterNode() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 6) {
            System.err.println("usage: ClusterNode DIRECTORY NODE_ID PORT CONTROLLER_PORT VOTERS SIZE");
            System.exit(2);
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Path.of(args[0]), Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), settings(Integer.parseInt(args[1]), args[4], Integer.parseInt(args[5])));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    /**
     * What a node of a cluster of {@code size} changes in the single-node settings: its id, the voters, and three
     * replicas of everything with two in sync for a write (at most one node may be down for writes to go on).
     */
    static Map<String, String> settings(int nodeId, String voters, int size) {
        int replicas = Math.min(3, size);
        String inSync = Integer.toString(Math.max(1, replicas - 1));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", Integer.toString(nodeId));
        settings.put("controller.quorum.voters", voters);
        settings.put("default.replication.factor", Integer.toString(replicas));
        settings.put("min.insync.replicas", inSync);
        settings.put("offsets.topic.replication.factor", Integer.toString(replicas));
        settings.put("offsets.topic.num.partitions", "6");
        settings.put("transaction.state.log.replication.factor", Integer.toString(replicas));
        settings.put("transaction.state.log.min.isr", inSync);
        settings.put("transaction.state.log.num.partitions", "6");
        // a node that stops heartbeating (kill -9) is fenced after 3 s instead of 9 s: its partitions get a new
        // leader and it leaves their in-sync replicas, so that acks=all writes go on with the other two
        settings.put("broker.heartbeat.interval.ms", "500");
        settings.put("broker.session.timeout.ms", "3000");
        settings.put("replica.lag.time.max.ms", "5000");
        return settings;
    }
}
