package io.incidenttracker.command.incident;

import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.ClassifyIncident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.TestBroker;
import io.incidenttracker.testsupport.TestDatabase;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The deadlines of the reporting clocks live in PostgreSQL: scheduled by one run of the command service, they fire in
 * the next run on the same database, and a clock fulfilled before the restart never fires. Clocks of seconds (the
 * rules file {@code regulatory/short-clocks.yml}), a poll every second; no sleeping for hours. And a report that comes
 * while its clock's deadline is being picked by the scheduler, or is already gone, is recorded all the same.
 */
class DeadlinePersistenceTest {

    static final String DATABASE = TestDatabase.ensure(TestDatabase.name("incident_command_clocks_test"));
    static final EmbeddedKafkaKraftBroker BROKER = startBroker();

    private static EmbeddedKafkaKraftBroker startBroker() {
        EmbeddedKafkaKraftBroker broker = TestBroker.withTopics(1);
        return broker;
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    private static ConfigurableApplicationContext startCommandService(Class<?>... extraSources) {
        Class<?>[] sources = new Class<?>[extraSources.length + 1];
        sources[0] = CommandServiceApplication.class;
        System.arraycopy(extraSources, 0, sources, 1, extraSources.length);
        return new SpringApplicationBuilder(sources)
                .properties("spring.config.name=" + CommandServiceApplication.CONFIG_NAME)
                .registerShutdownHook(false)
                .run("--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--spring.datasource.url=" + DATABASE,
                        "--spring.datasource.username=" + TestDatabase.USER,
                        "--spring.datasource.password=" + TestDatabase.PASSWORD,
                        "--spring.flyway.clean-disabled=false",
                        "--axon.kafka.bootstrap-servers=" + BROKER.getBrokersAsString(),
                        "--incidenttracker.kafka.partitions=1",
                        "--incidenttracker.regulatory.rules-location=classpath:regulatory/short-clocks.yml",
                        "--db-scheduler.polling-interval=1s");
    }

    private static void send(ConfigurableApplicationContext service, Object command) {
        service.getBean(CommandGateway.class).sendAndWait(GenericCommandMessage.asCommandMessage(command)
                .andMetaData(Map.of("actor", "responder", "correlationId", "deadline-persistence")));
    }

    private static List<String> eventTypes(JdbcTemplate jdbc, UUID incident) {
        return jdbc.queryForList("SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? "
                + "ORDER BY sequence_number", String.class, incident.toString());
    }

    @Test
    void aDeadlineScheduledBeforeARestartFiresAfterItAndAFulfilledOneNever() {
        UUID incident = UUID.randomUUID();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ConfigurableApplicationContext first = startCommandService(CleanDatabaseOnStart.class);
        JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
        Instant classifiedAt;
        try {
            send(first, new OpenIncident(incident, "Cyberattack", AttackType.RANSOMWARE, Severity.HIGH, start,
                    null, List.of(), List.of()));
            classifiedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            send(first, new ClassifyIncident(incident, null, List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED),
                    "test", classifiedAt));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks", Long.class)).isEqualTo(4);
            send(first, new NotifyAuthority(incident, null, "Test authority", "TEST-SHORT", "T-1",
                    classifiedAt.plusSeconds(1), null));
            // the fulfilled clock's warning and due time are gone; the other's wait in the table
            List<byte[]> waiting = jdbc.queryForList("SELECT task_data FROM scheduled_tasks", byte[].class);
            assertThat(waiting).hasSize(2).allSatisfy(data ->
                    assertThat(new String(data, StandardCharsets.UTF_8)).contains("TEST-SHORT:second"));
            assertThat(eventTypes(jdbc, incident)).containsExactly(
                    "io.incidenttracker.events.incident.IncidentOpened",
                    "io.incidenttracker.events.incident.AttackDetected",
                    "io.incidenttracker.events.incident.IncidentClassified",
                    "io.incidenttracker.events.incident.ObligationOpened",
                    "io.incidenttracker.events.incident.ObligationOpened",
                    "io.incidenttracker.events.incident.AuthorityNotified",
                    "io.incidenttracker.events.incident.ObligationFulfilled");
            assertThat(Instant.now()).as("stopped before the first warning was due")
                    .isBefore(classifiedAt.plusSeconds(35));
        } finally {
            first.close();
        }

        ConfigurableApplicationContext second = startCommandService();
        try {
            JdbcTemplate restarted = second.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(eventTypes(restarted, incident)).hasSize(9));
            assertThat(eventTypes(restarted, incident).subList(7, 9)).containsExactly(
                    "io.incidenttracker.events.incident.ObligationWarningRaised",
                    "io.incidenttracker.events.incident.ObligationDeadlineMissed");
            List<Map<String, Object>> fired = restarted.queryForList("""
                    SELECT convert_from(payload, 'UTF8') AS payload, convert_from(meta_data, 'UTF8') AS meta_data
                    FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number >= 7
                    ORDER BY sequence_number""", incident.toString());
            assertThat(fired.get(0).get("payload").toString()).contains("\"clock\":\"second\"")
                    .contains("\"occurredAt\":\"" + classifiedAt.plusSeconds(40) + "\"");
            assertThat(fired.get(1).get("payload").toString()).contains("\"clock\":\"second\"")
                    .contains("\"occurredAt\":\"" + classifiedAt.plusSeconds(60) + "\"");
            assertThat(fired.get(1).get("meta_data").toString()).contains("\"actor\":\"regulatory-clock\"")
                    .contains("\"correlationId\":\"deadline-persistence\"");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(restarted.queryForObject(
                    "SELECT count(*) FROM scheduled_tasks", Long.class)).isZero());
        } finally {
            second.close();
        }
    }

    /**
     * The moment between the cancellation's look-up of a clock's deadlines and its delete, made to happen: when the
     * report's cancellation reads the target deadline's data, another connection marks that deadline picked (as a
     * scheduler would) or deletes it (as a scheduler that ran it would). The report is recorded all the same; the
     * picked deadline, once it runs, finds its clock fulfilled and records nothing.
     */
    @Test
    void aReportIsRecordedWhenItsClocksDeadlineIsPickedOrGoneAsItIsCancelled() throws SQLException {
        ConfigurableApplicationContext service = startCommandService(CleanDatabaseOnStart.class, Interference.class);
        JdbcTemplate jdbc = service.getBean(JdbcTemplate.class);
        try {
            for (String interference : List.of(
                    "UPDATE scheduled_tasks SET picked = true, picked_by = 'another-instance', "
                            + "last_heartbeat = now(), version = version + 1 WHERE task_data = ?",
                    "DELETE FROM scheduled_tasks WHERE task_data = ?")) {
                UUID incident = UUID.randomUUID();
                Instant classifiedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                send(service, new OpenIncident(incident, "Cyberattack", AttackType.RANSOMWARE, Severity.HIGH,
                        classifiedAt, null, List.of(), List.of()));
                send(service, new ClassifyIncident(incident, null,
                        List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED), "test", classifiedAt));
                Interference.arm(incident, "obligation-warning:TEST-SHORT:first", interference);

                send(service, new NotifyAuthority(incident, null, "Test authority", "TEST-SHORT", null,
                        classifiedAt.plusSeconds(1), null));

                assertThat(Interference.struck()).as("the interference came between look-up and delete").isTrue();
                assertThat(eventTypes(jdbc, incident)).endsWith(
                        "io.incidenttracker.events.incident.AuthorityNotified",
                        "io.incidenttracker.events.incident.ObligationFulfilled");
            }
            // the picked deadline is released (its scheduler stopped) and due now: it runs and records nothing
            int released = jdbc.update("UPDATE scheduled_tasks SET picked = false, picked_by = null, "
                    + "execution_time = now() WHERE picked_by = 'another-instance'");
            assertThat(released).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks "
                            + "WHERE position(convert_to('TEST-SHORT:first', 'UTF8') IN task_data) > 0",
                            Long.class)).isZero());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE payload_type IN "
                    + "('io.incidenttracker.events.incident.ObligationWarningRaised', "
                    + "'io.incidenttracker.events.incident.ObligationDeadlineMissed') "
                    + "AND convert_from(payload, 'UTF8') LIKE '%\"clock\":\"first\"%'", Long.class)).isZero();
        } finally {
            service.close();
        }
    }

    /**
     * db-scheduler's serializer, which reads every deadline's data as a cancellation looks for its own; armed, it
     * strikes once on the target deadline's data, through a connection of its own that commits at once.
     */
    @Configuration(proxyBeanMethods = false)
    static class Interference {

        private record Armed(UUID incident, String deadlineName, String statement) {
        }

        private static final AtomicReference<Armed> ARMED = new AtomicReference<>();
        private static volatile boolean struck;

        static void arm(UUID incident, String deadlineName, String statement) {
            struck = false;
            ARMED.set(new Armed(incident, deadlineName, statement));
        }

        static boolean struck() {
            return struck;
        }

        @Bean
        DbSchedulerCustomizer interferingSerializer() {
            return new DbSchedulerCustomizer() {
                @Override
                public Optional<Serializer> serializer() {
                    return Optional.of(new Serializer() {
                        @Override
                        public byte[] serialize(Object data) {
                            return Serializer.DEFAULT_JAVA_SERIALIZER.serialize(data);
                        }

                        @Override
                        public <T> T deserialize(Class<T> type, byte[] data) {
                            strikeIfTarget(data);
                            return Serializer.DEFAULT_JAVA_SERIALIZER.deserialize(type, data);
                        }
                    });
                }
            };
        }

        private static void strikeIfTarget(byte[] data) {
            Armed armed = ARMED.get();
            if (armed == null || data == null) {
                return;
            }
            String text = new String(data, StandardCharsets.ISO_8859_1);
            if (!text.contains(armed.deadlineName()) || !text.contains(armed.incident().toString())
                    || !ARMED.compareAndSet(armed, null)) {
                return;
            }
            try (Connection connection = TestDatabase.connect(DATABASE);
                 PreparedStatement statement = connection.prepareStatement(armed.statement())) {
                statement.setBytes(1, data);
                assertThat(statement.executeUpdate()).isEqualTo(1);
                struck = true;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
