package io.incidenttracker.query.consuming;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.query.QueryServiceApplication;
import io.incidenttracker.query.incident.ViewDocuments;
import io.incidenttracker.query.support.IncidentEventProducer;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.KafkaBrokerExtension;
import io.incidenttracker.testsupport.TestDatabase;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two query instances on one database and one broker split the four processors, two each, and every event is still
 * applied once; when one stops, the other applies all four; when it comes back, it gets its share again. An instance
 * that gave the status projection to another answers what the other applied, not what it kept in memory.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ProcessorBalanceTest {

    private static final String DATABASE_URL = TestDatabase.ensure(TestDatabase.name("incident_query_test"));
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");

    @Test
    void twoInstancesApplyTwoProcessorsEachAndOneAppliesAllWhileTheOtherIsAway() {
        List<UUID> incidents = new ArrayList<>();
        try (IncidentEventProducer events = new IncidentEventProducer(KafkaBrokerExtension.bootstrapServers());
             ConfigurableApplicationContext first = start("first", true)) {
            publish(events, incidents, 3);
            await().atMost(WAIT).until(() -> held(first).size() == 4);

            try (ConfigurableApplicationContext second = start("second", false)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> held(first).size() == 2 && held(second).size() == 2);
                Set<String> both = new HashSet<>(held(first));
                both.addAll(held(second));
                assertThat(both).as("each processor applied by one instance")
                        .containsExactlyInAnyOrderElementsOf(ProcessorFirstStart.PROCESSORS);
                assertThat(owners(first)).as("claims named after their instance")
                        .containsExactlyInAnyOrder("first", "second");
                publish(events, incidents, 3);
                awaitAppliedOnce(first, incidents);
            }

            await().atMost(WAIT).until(() -> held(first).size() == 4);
            publish(events, incidents, 3);
            awaitAppliedOnce(first, incidents);

            try (ConfigurableApplicationContext again = start("second", false)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> held(first).size() == 2 && held(again).size() == 2);
                publish(events, incidents, 3);
                awaitAppliedOnce(again, incidents);
            }
        }
    }

    @Test
    void anInstanceThatGaveTheProjectionToAnotherAnswersWhatTheOtherApplied() throws IOException {
        List<UUID> incidents = new ArrayList<>();
        try (IncidentEventProducer events = new IncidentEventProducer(KafkaBrokerExtension.bootstrapServers());
             ConfigurableApplicationContext first = start("first", true)) {
            publish(events, incidents, 1);
            UUID id = incidents.get(0);
            ViewDocuments firstViews = first.getBean(ViewDocuments.class);
            await().atMost(WAIT).until(() -> detailVersion(firstViews, id) == 2); // kept in the first's memory

            try (ConfigurableApplicationContext second = start("second", false)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> held(first).size() == 2 && held(second).size() == 2);
                if (held(first).contains(Processors.INCIDENT_PROJECTION)) {
                    processor(first, Processors.INCIDENT_PROJECTION).releaseSegment(0, 60, TimeUnit.SECONDS);
                }
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> held(second).contains(Processors.INCIDENT_PROJECTION));
                assertThat(detailVersion(firstViews, id)).as("read by the first after it gave the projection up")
                        .isEqualTo(2);

                events.publish(3, new StatusUpdatePublished(id, Audience.INTERNAL, "update 3", T0.plusSeconds(180)));
                JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                        "SELECT version FROM incident WHERE incident_id = ?", Long.class, id) == 3);
                assertThat(detailVersion(firstViews, id)).as("the first instance's answer, after the second applied")
                        .isEqualTo(3);
            }
        }
    }

    /** The version in the incident's detail as the instance answers a plain read (stored, or rendered if pending). */
    private static long detailVersion(ViewDocuments views, UUID id) throws IOException {
        byte[] body = views.currentIncident(id, null).map(current -> current.stored().body())
                .orElseGet(() -> views.renderedIncident(id).orElseThrow().body());
        return new ObjectMapper().readTree(body).get("version").asLong();
    }

    /** Opens {@code count} incidents, each with two status updates. */
    private static void publish(IncidentEventProducer events, List<UUID> incidents, int count) {
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            incidents.add(id);
            events.publish(0, new IncidentOpened(id, "Balance " + i, Severity.HIGH, T0));
            events.publish(1, new StatusUpdatePublished(id, Audience.INTERNAL, "update 1", T0.plusSeconds(60)));
            events.publish(2, new StatusUpdatePublished(id, Audience.INTERNAL, "update 2", T0.plusSeconds(120)));
        }
    }

    /** Every event in the views, the history and the ledger exactly once, the ledger contiguous. */
    private static void awaitAppliedOnce(ConfigurableApplicationContext instance, List<UUID> incidents) {
        JdbcTemplate jdbc = instance.getBean(JdbcTemplate.class);
        long events = incidents.size() * 3L;
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(count(jdbc, "SELECT count(*) FROM timeline_entry")).as("timeline entries").isEqualTo(events);
            assertThat(count(jdbc, "SELECT count(*) FROM incident_event")).as("in the history").isEqualTo(events);
            assertThat(count(jdbc, "SELECT count(*) FROM audit_entry")).as("ledger entries").isEqualTo(events);
        });
        assertThat(count(jdbc, "SELECT count(*) FROM incident WHERE version = 2")).isEqualTo(incidents.size());
        assertThat(count(jdbc, "SELECT count(DISTINCT event_id) FROM audit_entry")).isEqualTo(events);
        assertThat(count(jdbc, "SELECT max(ledger_index) + 1 FROM audit_entry")).isEqualTo(events);
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }

    private static TrackingEventProcessor processor(ConfigurableApplicationContext instance, String name) {
        return instance.getBean(EventProcessingConfiguration.class)
                .eventProcessor(name, TrackingEventProcessor.class).orElseThrow();
    }

    /** The processors whose segment this instance applies. */
    private static List<String> held(ConfigurableApplicationContext instance) {
        List<String> held = new ArrayList<>();
        for (String name : ProcessorFirstStart.PROCESSORS) {
            if (!processor(instance, name).processingStatus().isEmpty()) {
                held.add(name);
            }
        }
        return held;
    }

    private static List<String> owners(ConfigurableApplicationContext instance) {
        return instance.getBean(JdbcTemplate.class).queryForList(
                "SELECT DISTINCT owner FROM token_entry WHERE owner IS NOT NULL", String.class);
    }

    private static ConfigurableApplicationContext start(String instanceId, boolean cleanDatabase) {
        List<Class<?>> sources = new ArrayList<>(List.of(QueryServiceApplication.class));
        if (cleanDatabase) {
            sources.add(CleanDatabaseOnStart.class);
        }
        List<String> settings = new ArrayList<>(List.of(
                "server.port=0",
                "spring.datasource.url=" + DATABASE_URL,
                "spring.datasource.username=" + TestDatabase.USER,
                "spring.datasource.password=" + TestDatabase.PASSWORD,
                "spring.datasource.hikari.maximum-pool-size=6",
                "spring.flyway.clean-disabled=false",
                "axon.kafka.bootstrap-servers=" + KafkaBrokerExtension.bootstrapServers(),
                "axon.eventhandling.tokenstore.claim-timeout=3s",
                "incident-query.processors.instance-id=" + instanceId,
                "incident-query.processors.balance-interval=500ms",
                "incident-query.kafka.topic-wait-timeout=20s",
                "incident-query.audit.signing.key-file=target/audit-test/checkpoint-signing-key",
                "incident-query.audit.checkpoint-file=target/audit-test/checkpoints.jsonl"));
        for (String processor : ProcessorFirstStart.PROCESSORS) {
            settings.add("axon.eventhandling.processors." + processor + ".token-claim-interval=500");
        }
        // command-line arguments: they override the configuration file (default properties would not)
        return new SpringApplicationBuilder(sources.toArray(Class[]::new))
                .properties("spring.config.name=" + QueryServiceApplication.CONFIG_NAME)
                .run(settings.stream().map(setting -> "--" + setting).toArray(String[]::new));
    }
}
