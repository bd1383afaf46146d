package io.incidenttracker.command.support;

import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Each test context starts on an empty, freshly migrated database. */
@TestConfiguration(proxyBeanMethods = false)
public class CleanDatabaseOnStart {

    @Bean
    FlywayMigrationStrategy cleanThenMigrate() {
        return flyway -> {
            flyway.clean();
            flyway.migrate();
        };
    }
}
