package io.incidenttracker.command;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The command side: accepts commands over HTTP, keeps the Incident aggregate's events in PostgreSQL and publishes
 * every committed event to Kafka.
 */
@SpringBootApplication
public class CommandServiceApplication {

    /**
     * The service's configuration file is {@code incident-command.yml}: both services can run in one JVM (the local
     * launcher, the end-to-end tests), so each has a file name of its own.
     */
    public static final String CONFIG_NAME = "incident-command";

    public static void main(String[] args) {
        builder().run(args);
    }

    /** An application builder with this service's configuration name; callers add their own overrides. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties("spring.config.name=" + CONFIG_NAME);
    }
}
