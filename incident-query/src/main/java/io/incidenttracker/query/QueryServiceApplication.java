package io.incidenttracker.query;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The query service: consumes incident events from Kafka, keeps the status projections in PostgreSQL and serves them
 * over HTTP.
 * <p>
 * Spring Kafka's auto-configuration is excluded because Kafka is reached only through Axon's Kafka extension; the
 * generated default user is excluded because users come from a profile (see {@code web.SecurityConfiguration}).
 */
@SpringBootApplication(exclude = {KafkaAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class})
@ConfigurationPropertiesScan
public class QueryServiceApplication {

    /** Name of the configuration file; distinct from the command service's, as both can run in one JVM. */
    public static final String CONFIG_NAME = "incident-query";

    public static void main(String[] args) {
        new SpringApplicationBuilder(QueryServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME)
                .run(args);
    }
}
