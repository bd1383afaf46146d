package io.incidenttracker.query.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.query.QueryServiceApplication;
import io.incidenttracker.query.live.SseClient.Event;
import io.incidenttracker.query.support.IncidentEventProducer;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.KafkaBrokerExtension;
import io.incidenttracker.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that resumes after the query service restarted (a new process, the same database) gets exactly the
 * changes committed since its last id: the ids are the log's, not the process's.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamAcrossRestartTest {

    private static final String DATABASE_URL = TestDatabase.ensure(TestDatabase.name("incident_query_test"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");

    @Test
    void aClientResumesAfterARestartWithNothingMissedAndNothingRepeated() throws Exception {
        UUID id = UUID.randomUUID();
        String lastId;
        try (IncidentEventProducer events = new IncidentEventProducer(KafkaBrokerExtension.bootstrapServers())) {
            try (ConfigurableApplicationContext first = start(true)) {
                try (SseClient stream = SseClient.open(port(first), "/api/stream?incidentId=" + id, "viewer")) {
                    events.publish(0, new IncidentOpened(id, "Cyberattack", Severity.HIGH, T0));
                    events.publish(1, update(id, 1));
                    Event seen = null;
                    while (seen == null || version(seen) < 1) {
                        seen = stream.take(1, WAIT).get(0);
                    }
                    lastId = seen.id();
                }
            }
            // committed while no query service runs: the next one projects them from the topic
            for (int sequence = 2; sequence < 6; sequence++) {
                events.publish(sequence, update(id, sequence));
            }
            try (ConfigurableApplicationContext second = start(false)) {
                JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
                await().atMost(WAIT).until(() -> jdbc.queryForObject(
                        "SELECT coalesce(max(version), -1) FROM incident WHERE incident_id = ?", Long.class, id) == 5);
                List<String> logged = new ArrayList<>(jdbc.queryForList(
                        "SELECT id::text FROM view_change WHERE incident_id = ? AND id > ? ORDER BY id", String.class,
                        id, Long.parseLong(lastId)));
                assertThat(logged).isNotEmpty();
                try (SseClient resumed = SseClient.open(port(second), "/api/stream?incidentId=" + id, "viewer",
                        Map.of("Last-Event-ID", lastId))) {
                    List<Event> missed = resumed.take(logged.size(), WAIT);
                    assertThat(missed).extracting(Event::id).containsExactlyElementsOf(logged);
                    assertThat(version(missed.get(missed.size() - 1))).isEqualTo(5);
                    events.publish(6, update(id, 6));
                    Event live = resumed.take(1, WAIT).get(0);
                    assertThat(version(live)).isEqualTo(6);
                    assertThat(Long.parseLong(live.id())).isGreaterThan(Long.parseLong(logged.get(logged.size() - 1)));
                    assertThat(resumed.next(Duration.ofMillis(500))).as("nothing repeated").isNull();
                }
            }
        }
    }

    private static ConfigurableApplicationContext start(boolean cleanDatabase) {
        List<Class<?>> sources = new ArrayList<>(List.of(QueryServiceApplication.class));
        if (cleanDatabase) {
            sources.add(CleanDatabaseOnStart.class);
        }
        // command-line arguments: they override the configuration file (default properties would not)
        return new SpringApplicationBuilder(sources.toArray(Class[]::new))
                .properties("spring.config.name=" + QueryServiceApplication.CONFIG_NAME)
                .run(Stream.of(
                        "server.port=0",
                        "spring.datasource.url=" + DATABASE_URL,
                        "spring.datasource.username=" + TestDatabase.USER,
                        "spring.datasource.password=" + TestDatabase.PASSWORD,
                        "spring.datasource.hikari.maximum-pool-size=4",
                        "spring.flyway.clean-disabled=false",
                        "axon.kafka.bootstrap-servers=" + KafkaBrokerExtension.bootstrapServers(),
                        "incident-query.kafka.topic-wait-timeout=20s",
                        "incident-query.stream.poll=200ms",
                        "incident-query.audit.signing.key-file=target/audit-test/checkpoint-signing-key",
                        "incident-query.audit.checkpoint-file=target/audit-test/checkpoints.jsonl")
                        .map(setting -> "--" + setting).toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static StatusUpdatePublished update(UUID id, int n) {
        return new StatusUpdatePublished(id, Audience.INTERNAL, "update " + n, T0.plusSeconds(60L * n));
    }

    private static long version(Event event) throws Exception {
        return JSON.readTree(event.data()).path("version").asLong(-1);
    }
}
