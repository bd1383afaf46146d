package io.incidenttracker.query.health;

import io.incidenttracker.query.consuming.QueryKafkaProperties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

import java.util.concurrent.TimeUnit;

/** UP when the brokers answer a cluster description within the health timeout. */
@Component("kafkaHealthIndicator")
public class KafkaHealthIndicator extends AbstractHealthIndicator {

    private final Admin admin;
    private final long timeoutMs;

    public KafkaHealthIndicator(Admin admin, QueryKafkaProperties properties) {
        super("Kafka health check failed");
        this.admin = admin;
        this.timeoutMs = properties.healthTimeout().toMillis();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        DescribeClusterResult cluster = admin.describeCluster(
                new DescribeClusterOptions().timeoutMs((int) timeoutMs));
        String clusterId = cluster.clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
        int nodes = cluster.nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
        builder.up().withDetail("clusterId", clusterId).withDetail("nodes", nodes);
    }
}
