package io.incidenttracker.query.consuming;

import io.incidenttracker.platform.health.KafkaHealthIndicator;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.HashMap;
import java.util.Map;

/** One admin client for the startup topic check and the health check, on the same brokers as the consumer. */
@Configuration(proxyBeanMethods = false)
public class KafkaAdminConfiguration {

    @Bean(destroyMethod = "close")
    public Admin kafkaAdmin(KafkaProperties kafkaProperties, QueryKafkaProperties queryKafkaProperties) {
        Map<String, Object> config = new HashMap<>(kafkaProperties.getProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafkaProperties.getBootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG,
                   (kafkaProperties.getClientId() == null ? "incident-query" : kafkaProperties.getClientId())
                           + "-admin");
        int timeoutMs = (int) queryKafkaProperties.healthTimeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        return Admin.create(config);
    }

    /** The {@code kafka} component of the health endpoint, within the configured health timeout. */
    @Bean
    public KafkaHealthIndicator kafkaHealthIndicator(Admin kafkaAdmin, QueryKafkaProperties queryKafkaProperties) {
        return new KafkaHealthIndicator(kafkaAdmin, queryKafkaProperties.healthTimeout());
    }
}
