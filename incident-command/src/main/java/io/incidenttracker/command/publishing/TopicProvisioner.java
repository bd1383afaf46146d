package io.incidenttracker.command.publishing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates the incident topic at start-up when it is missing, before the publisher starts. An existing topic is kept
 * as it is; settings that would lose events (finite retention) are reported loudly.
 */
class TopicProvisioner implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final TopicSettings settings;

    TopicProvisioner(Admin admin, TopicSettings settings) {
        this.admin = admin;
        this.settings = settings;
    }

    @Override
    public void afterPropertiesSet() throws Exception {
        Instant deadline = Instant.now().plus(settings.startupTimeout());
        while (true) {
            try {
                ensureTopic();
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Kafka is not reachable to create or check the topic '"
                            + settings.topic() + "' within " + settings.startupTimeout(), e);
                }
                log.warn("Kafka not reachable yet ({}); retrying", e.getMessage());
                TimeUnit.SECONDS.sleep(1);
            }
        }
    }

    private void ensureTopic() throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        String topic = settings.topic();
        Set<String> names = admin.listTopics().names().get(5, TimeUnit.SECONDS);
        if (!names.contains(topic)) {
            NewTopic newTopic = new NewTopic(topic, settings.partitions(), settings.replicationFactor())
                    .configs(Map.of(
                            TopicConfig.RETENTION_MS_CONFIG, "-1",
                            TopicConfig.RETENTION_BYTES_CONFIG, "-1",
                            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, settings.minInsyncReplicas().toString()));
            try {
                admin.createTopics(List.of(newTopic)).all().get(10, TimeUnit.SECONDS);
                log.info("Created topic '{}' with {} partitions, replication factor {}, retention unlimited",
                        topic, settings.partitions(), settings.replicationFactor());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        checkExisting(topic);
    }

    private void checkExisting(String topic) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(5, TimeUnit.SECONDS).get(topic);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(5, TimeUnit.SECONDS).get(resource);
        String retention = config.get(TopicConfig.RETENTION_MS_CONFIG).value();
        if (!"-1".equals(retention)) {
            log.error("Topic '{}' has retention.ms={}: events will be deleted from it and consumers can no longer "
                    + "rebuild from the topic. Set retention.ms=-1.", topic, retention);
        }
        log.info("Publishing to topic '{}' ({} partitions)", topic, description.partitions().size());
    }
}
