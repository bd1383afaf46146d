package io.incidenttracker.testsupport;

import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Each test context starts on an empty, freshly migrated database (needs {@code spring.flyway.clean-disabled=false}):
 * tokens and offsets an earlier context left would point at a broker that no longer exists.
 */
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
