package io.incidenttracker.query.consuming;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the query service's Kafka side beyond Axon's {@code axon.kafka.*}.
 *
 * @param topicWaitTimeout how long startup waits for the topic to exist before the processors start
 * @param healthTimeout    how long the health check waits for the broker to answer
 * @param catchUpTogether  whether the processors' consumers that catch up on the same records (a rebuild) keep
 *                         together so that each record is decoded about once for them all (default true; see
 *                         {@code DecodedRecords})
 */
@ConfigurationProperties("incident-query.kafka")
public record QueryKafkaProperties(Duration topicWaitTimeout, Duration healthTimeout, Boolean catchUpTogether) {

    public QueryKafkaProperties {
        topicWaitTimeout = topicWaitTimeout == null ? Duration.ofSeconds(120) : topicWaitTimeout;
        healthTimeout = healthTimeout == null ? Duration.ofMillis(2500) : healthTimeout;
        catchUpTogether = catchUpTogether == null ? Boolean.TRUE : catchUpTogether;
    }
}
