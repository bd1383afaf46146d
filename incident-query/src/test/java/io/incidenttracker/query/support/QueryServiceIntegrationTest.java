package io.incidenttracker.query.support;

import io.incidenttracker.query.QueryServiceApplication;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.KafkaBrokerExtension;
import io.incidenttracker.testsupport.PublishedApiInterceptor;
import io.incidenttracker.testsupport.ServiceUnderTest;
import io.incidenttracker.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole service on a random port against the local PostgreSQL test database and
 * a broker of its own. One context and one broker per test class; the database is cleaned when the context starts,
 * because tokens from an earlier broker would point at offsets that no longer exist.
 */
@ExtendWith(KafkaBrokerExtension.class)
@AutoConfigureObservability(tracing = false)
@SpringBootTest(
        classes = {QueryServiceApplication.class, CleanDatabaseOnStart.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + QueryServiceApplication.CONFIG_NAME,
                "spring.datasource.hikari.maximum-pool-size=4",
                "spring.flyway.clean-disabled=false",
                "incident-query.kafka.topic-wait-timeout=20s",
                "incident-query.audit.signing.key-file=target/audit-test/checkpoint-signing-key",
                "incident-query.audit.checkpoint-file=target/audit-test/checkpoints.jsonl",
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class QueryServiceIntegrationTest {

    /** The query service's test database, created when the first test class starts. */
    protected static final String DATABASE_URL = TestDatabase.ensure(TestDatabase.name("incident_query_test"));

    /** Anonymous; every answer is checked against the service's published OpenAPI document. */
    @Autowired
    protected TestRestTemplate http;

    protected static IncidentEventProducer events;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceUnderTest.register(registry, DATABASE_URL, KafkaBrokerExtension::bootstrapServers);
    }

    @BeforeAll
    static void startProducer() {
        events = new IncidentEventProducer(KafkaBrokerExtension.bootstrapServers());
    }

    @AfterAll
    static void stopProducer() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    @BeforeEach
    void checkAnswersAgainstThePublishedDocument() {
        PublishedApiInterceptor.checking(http);
    }

    /** As the demo user (the password is the name), with every answer checked like {@link #http}'s. */
    protected TestRestTemplate as(String user) {
        return as(user, user);
    }

    protected TestRestTemplate as(String user, String password) {
        return PublishedApiInterceptor.checking(http.withBasicAuth(user, password));
    }
}
