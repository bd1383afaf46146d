package io.incidenttracker.command.publishing;

import io.incidenttracker.events.CloudEventsContract;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;

/**
 * The incident topic as this service creates it when missing: retention unlimited, since the topic is a replay
 * source for every consumer.
 *
 * @param partitions        partitions of a new topic; per-incident order holds for any count (key = incident id)
 * @param replicationFactor replicas of a new topic; 3 in a real cluster
 * @param minInsyncReplicas with acks=all, how many replicas must have a record before it counts as written
 * @param startupTimeout    how long start-up waits for the broker before giving up
 * @param source            the CloudEvents {@code source} of every published event
 */
@ConfigurationProperties(prefix = "incidenttracker.kafka")
public record TopicSettings(
        Integer partitions,
        Short replicationFactor,
        Integer minInsyncReplicas,
        Duration startupTimeout,
        URI source) {

    public TopicSettings {
        partitions = partitions == null ? 6 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        minInsyncReplicas = minInsyncReplicas == null ? 1 : minInsyncReplicas;
        startupTimeout = startupTimeout == null ? Duration.ofSeconds(60) : startupTimeout;
        source = source == null ? URI.create("urn:incident-tracker:incident-command") : source;
    }

    public String topic() {
        return CloudEventsContract.DEFAULT_TOPIC;
    }
}
