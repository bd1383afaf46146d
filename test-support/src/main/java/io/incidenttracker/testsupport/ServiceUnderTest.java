package io.incidenttracker.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.function.Supplier;

/** Points a service started by a test at the test database and a test broker. */
public final class ServiceUnderTest {

    private ServiceUnderTest() {
    }

    public static void register(DynamicPropertyRegistry registry, String databaseUrl,
                                Supplier<Object> bootstrapServers) {
        registry.add("spring.datasource.url", () -> databaseUrl);
        registry.add("spring.datasource.username", () -> TestDatabase.USER);
        registry.add("spring.datasource.password", () -> TestDatabase.PASSWORD);
        registry.add("axon.kafka.bootstrap-servers", bootstrapServers);
    }
}
