package io.incidenttracker.command.publishing;

import io.incidenttracker.testsupport.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reading the event store in publication order on the real PostgreSQL schema (V5__position_by_transaction_id.sql),
 * with real concurrent transactions: only events of transactions below the horizon are read, in (transaction id,
 * global index) order, so an event that commits late is read late instead of being passed over; failed appends leave
 * nothing; events stay immutable; and existing stores migrate with their indexes and the former publisher's place.
 */
class StoredEventsTest {

    private static final String SCHEMA = "stored_events";
    private static final String MIGRATION_SCHEMA = "stored_events_migration";
    private static final String DATABASE = TestDatabase.ensure(TestDatabase.name("incident_command_test"));

    private final StoredEvents storedEvents = new StoredEvents(null, null);

    @BeforeAll
    static void migrate() {
        Flyway flyway = flyway(SCHEMA, null);
        flyway.clean();
        flyway.migrate();
    }

    @BeforeEach
    void emptyTheTable() throws SQLException {
        // events are immutable: the test empties its own table by lifting the truncate guard for a moment
        try (Connection connection = connect(SCHEMA); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE domain_event_entry DISABLE TRIGGER domain_event_entry_no_truncate");
            statement.execute("TRUNCATE domain_event_entry, idempotency_record RESTART IDENTITY");
            statement.execute("ALTER TABLE domain_event_entry ENABLE TRIGGER domain_event_entry_no_truncate");
        }
    }

    @Test
    void aTransactionThatBeganFirstAndCommitsLastIsReadOnceItEndsAndBeforeTheLaterOne() throws Exception {
        try (Connection first = transaction(); Connection second = transaction()) {
            insert(first, "incident-a", 0);
            insert(second, "incident-b", 0);
            second.commit();
            assertThat(readAll()).as("the later commit waits below the horizon of the one still running").isEmpty();
            first.commit();
        }
        List<StoredEvents.StoredEvent> read = awaitRead(2);
        assertThat(read).extracting(StoredEvents.StoredEvent::aggregateId).containsExactly("incident-a", "incident-b");
        assertThat(read.get(0).position().transactionId()).isLessThan(read.get(1).position().transactionId());
        assertThat(read.get(0).position().globalIndex()).isEqualTo(1);
    }

    @Test
    void aLongRunningTransactionOfAnyTableHoldsReadingBackUntilItEnds() throws Exception {
        try (Connection longRunning = transaction()) {
            try (Statement statement = longRunning.createStatement()) {
                statement.execute("INSERT INTO idempotency_record (principal, idempotency_key, request_hash) "
                        + "VALUES ('someone', 'key', repeat('0', 64))");
            }
            commit("incident-a", 0);
            commit("incident-b", 0);
            StoredEvents.Read held;
            try (Connection reader = connect(SCHEMA)) {
                held = storedEvents.read(reader, Position.START, 100);
            }
            assertThat(held.events()).isEmpty();
            // the horizon is the whole server's: another session may hold it lower still
            assertThat(held.horizon()).isLessThanOrEqualTo(transactionId(longRunning));
            longRunning.rollback();
        }
        assertThat(awaitRead(2)).extracting(StoredEvents.StoredEvent::aggregateId)
                .containsExactly("incident-a", "incident-b");
    }

    @Test
    void rolledBackAndRefusedAppendsLeaveNothingToRead() throws Exception {
        commit("incident-a", 0);
        try (Connection duplicate = transaction()) {
            assertThatThrownBy(() -> insert(duplicate, "incident-a", 0))
                    .hasMessageContaining("domain_event_entry_aggregate_sequence_uk");
            duplicate.rollback();
        }
        try (Connection rolledBack = transaction()) {
            insert(rolledBack, "incident-c", 0);
            rolledBack.rollback();
        }
        commit("incident-a", 1);
        assertThat(awaitRead(2)).extracting(e -> e.aggregateId() + "/" + e.sequence())
                .containsExactly("incident-a/0", "incident-a/1");
    }

    @Test
    void eachEventKnowsWhereItsPredecessorStandsAndReadingResumesAfterAPosition() throws Exception {
        commit("incident-a", 0);
        commit("incident-a", 1);
        commit("incident-b", 0);
        List<StoredEvents.StoredEvent> all = awaitRead(3);
        assertThat(all.get(0).predecessor()).isNull();
        assertThat(all.get(1).predecessor()).isEqualTo(all.get(0).position());
        try (Connection reader = connect(SCHEMA)) {
            assertThat(storedEvents.read(reader, all.get(0).position(), 1).events())
                    .extracting(StoredEvents.StoredEvent::position).containsExactly(all.get(1).position());
        }
    }

    @Test
    void eventsStayImmutable() throws Exception {
        commit("incident-a", 0);
        try (Connection connection = connect(SCHEMA); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE domain_event_entry SET global_index = 42"))
                    .hasMessageContaining("events are immutable");
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE domain_event_entry SET transaction_id = '1'"))
                    .hasMessageContaining("events are immutable");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM domain_event_entry"))
                    .hasMessageContaining("events are immutable");
        }
    }

    @Test
    void anExistingStoreKeepsItsIndexesAndPublicationContinuesBelowTheFormerPublishersLowestGap() throws Exception {
        Flyway before = flyway(MIGRATION_SCHEMA, "4");
        before.clean();
        before.migrate();
        try (Connection connection = connect(MIGRATION_SCHEMA); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            for (int sequence = 0; sequence < 5; sequence++) {
                insert(connection, "incident-old", sequence);
            }
            statement.execute("INSERT INTO token_entry (processor_name, segment, token, token_type) VALUES "
                    + "('__axon-kafka-event-publishing-group', 0, convert_to('{\"index\":5,\"gaps\":[4]}', 'UTF8'), "
                    + "'org.axonframework.eventhandling.GapAwareTrackingToken')");
        }
        flyway(MIGRATION_SCHEMA, null).migrate();
        try (Connection connection = connect(MIGRATION_SCHEMA); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT transaction_id::text, global_index "
                    + "FROM domain_event_entry ORDER BY global_index")) {
                for (long index = 1; index <= 5; index++) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo("0");
                    assertThat(rows.getLong(2)).isEqualTo(index);
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT transaction_id::text, global_index "
                    + "FROM publication_position WHERE publisher = 'kafka'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("0");
                assertThat(rows.getLong(2)).isEqualTo(3);
            }
            insert(connection, "incident-new", 0);
            List<StoredEvents.StoredEvent> unpublished = storedEvents.read(connection, new Position(0, 3), 100)
                    .events();
            for (long deadline = System.nanoTime() + 30_000_000_000L;
                 unpublished.size() < 3 && System.nanoTime() < deadline; ) {
                Thread.sleep(20);
                unpublished = storedEvents.read(connection, new Position(0, 3), 100).events();
            }
            assertThat(unpublished).extracting(e -> e.aggregateId() + "/" + e.sequence())
                    .containsExactly("incident-old/3", "incident-old/4", "incident-new/0");
            assertThat(unpublished.get(2).position().globalIndex()).isEqualTo(6);
        }
    }

    /**
     * What is read once {@code count} events are: the horizon is the whole server's, so a transaction of another
     * session on the same server may hold it back for a moment.
     */
    private List<StoredEvents.StoredEvent> awaitRead(int count) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        List<StoredEvents.StoredEvent> read = readAll();
        while (read.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            read = readAll();
        }
        return read;
    }

    private List<StoredEvents.StoredEvent> readAll() throws SQLException {
        try (Connection reader = connect(SCHEMA)) {
            return storedEvents.read(reader, Position.START, 1000).events();
        }
    }

    private static void commit(String incident, long sequence) throws SQLException {
        try (Connection connection = transaction()) {
            insert(connection, incident, sequence);
            connection.commit();
        }
    }

    private static long transactionId(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_current_xact_id()::text")) {
            rows.next();
            return Long.parseLong(rows.getString(1));
        }
    }

    private static void insert(Connection connection, String incident, long sequence) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO domain_event_entry "
                + "(aggregate_identifier, sequence_number, type, event_identifier, payload, payload_type, time_stamp) "
                + "VALUES (?, ?, 'Incident', ?, '{}'::bytea, 'test.Event', '2025-01-01T00:00:00Z')")) {
            insert.setString(1, incident);
            insert.setLong(2, sequence);
            insert.setString(3, incident + "-" + sequence + "-" + System.nanoTime());
            insert.executeUpdate();
        }
    }

    private static Flyway flyway(String schema, String target) {
        var configuration = Flyway.configure()
                .dataSource(DATABASE, TestDatabase.USER, TestDatabase.PASSWORD)
                .schemas(schema)
                .locations("classpath:db/migration/command")
                .cleanDisabled(false);
        if (target != null) {
            configuration.target(target);
        }
        return configuration.load();
    }

    private static Connection transaction() throws SQLException {
        Connection connection = connect(SCHEMA);
        connection.setAutoCommit(false);
        return connection;
    }

    private static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(DATABASE + "?currentSchema=" + schema, TestDatabase.USER,
                TestDatabase.PASSWORD);
    }
}
