package io.incidenttracker.command.eventstore;

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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The event table's global index, drawn at commit (V4__global_index_at_commit.sql), on the real PostgreSQL schema:
 * indexes follow commit order whatever order the inserts ran in, failed appends leave no gap, and the commit-time
 * assignment is the only change an event ever undergoes.
 */
class GlobalIndexAtCommitTest {

    private static final String SCHEMA = "global_index_at_commit";
    private static String url;

    @BeforeAll
    static void migrate() {
        url = TestDatabase.ensure(TestDatabase.name("incident_command_test")) + "?currentSchema=" + SCHEMA;
        Flyway flyway = Flyway.configure()
                .dataSource(url, TestDatabase.USER, TestDatabase.PASSWORD)
                .schemas(SCHEMA)
                .locations("classpath:db/migration/command")
                .cleanDisabled(false)
                .load();
        flyway.clean();
        flyway.migrate();
    }

    @BeforeEach
    void emptyTheTable() throws SQLException {
        // events are immutable: the test empties its own table by lifting the truncate guard for a moment
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE domain_event_entry DISABLE TRIGGER domain_event_entry_no_truncate");
            statement.execute("TRUNCATE domain_event_entry RESTART IDENTITY");
            statement.execute("ALTER TABLE domain_event_entry ENABLE TRIGGER domain_event_entry_no_truncate");
        }
    }

    @Test
    void aTransactionThatInsertedFirstButCommitsLastGetsTheHigherIndex() throws Exception {
        try (Connection first = transaction(); Connection second = transaction()) {
            insert(first, "incident-a", 0);
            insert(second, "incident-b", 0);
            second.commit();
            first.commit();
        }
        assertThat(indexes()).containsExactly(List.of("incident-b", 1L), List.of("incident-a", 2L));
    }

    @Test
    void aRefusedAppendLeavesNoGapInTheIndex() throws Exception {
        try (Connection connection = transaction()) {
            insert(connection, "incident-a", 0);
            connection.commit();
        }
        try (Connection duplicate = transaction()) {
            assertThatThrownBy(() -> insert(duplicate, "incident-a", 0))
                    .hasMessageContaining("domain_event_entry_aggregate_sequence_uk");
            duplicate.rollback();
        }
        try (Connection rolledBack = transaction()) {
            insert(rolledBack, "incident-c", 0);
            rolledBack.rollback();
        }
        try (Connection connection = transaction()) {
            insert(connection, "incident-a", 1);
            insert(connection, "incident-b", 0);
            connection.commit();
        }
        assertThat(indexes()).containsExactly(List.of("incident-a", 1L), List.of("incident-a", 2L),
                List.of("incident-b", 1L + 2));
    }

    @Test
    void theEventsOfOneCommitAreNumberedInTheOrderTheyWereInsertedAfterThoseOfEarlierCommits() throws Exception {
        try (Connection large = transaction(); Connection small = transaction()) {
            for (int sequence = 0; sequence < 300; sequence++) {
                insert(large, "incident-a", sequence);
            }
            insert(small, "incident-b", 0);
            small.commit();
            large.commit();
        }
        List<List<Object>> indexes = indexes();
        assertThat(indexes).hasSize(301).first().isEqualTo(List.of("incident-b", 1L));
        for (int sequence = 0; sequence < 300; sequence++) {
            assertThat(indexes.get(sequence + 1)).isEqualTo(List.of("incident-a", sequence + 2L));
        }
    }

    @Test
    void aCommitWaitsForTheCommitBeforeItAndIsNumberedAfterIt() throws Exception {
        try (Connection holder = transaction(); Connection other = transaction()) {
            insert(holder, "incident-a", 0);
            // the holder takes the commit lock as its commit would, then is held there
            try (Statement statement = holder.createStatement()) {
                statement.execute("SET CONSTRAINTS domain_event_entry_global_index_at_commit IMMEDIATE");
            }
            insert(other, "incident-b", 0);
            CompletableFuture<Void> committing = CompletableFuture.runAsync(() -> {
                try {
                    other.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            assertThat(committing).isNotDone();
            holder.commit();
            committing.get(10, TimeUnit.SECONDS);
        }
        assertThat(indexes()).containsExactly(List.of("incident-a", 1L), List.of("incident-b", 2L));
    }

    @Test
    void noOneCanRenumberAnEventNotEvenItsOwnTransactionBeforeCommit() throws Exception {
        try (Connection connection = transaction()) {
            insert(connection, "incident-a", 0);
            assertThatThrownBy(() -> {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE domain_event_entry SET global_index = 42");
                }
            }).hasMessageContaining("events are immutable");
            connection.rollback();
        }
        try (Connection connection = transaction()) {
            insert(connection, "incident-a", 0);
            connection.commit();
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE domain_event_entry SET global_index = 42"))
                    .hasMessageContaining("events are immutable");
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE domain_event_entry SET payload_type = 'x'"))
                    .hasMessageContaining("events are immutable");
        }
        try (Connection connection = transaction(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO domain_event_entry (global_index, aggregate_identifier, "
                    + "sequence_number, event_identifier, payload, payload_type, time_stamp) "
                    + "VALUES (7, 'incident-z', 0, 'chosen-index', '{}'::bytea, 'test.Event', '2025-01-01T00:00:00Z')");
            assertThatThrownBy(connection::commit).hasMessageContaining("drawn at commit");
        }
        assertThat(indexes()).containsExactly(List.of("incident-a", 1L));
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
    }

    private static Connection transaction() throws SQLException {
        Connection connection = connect();
        connection.setAutoCommit(false);
        return connection;
    }

    private static void insert(Connection connection, String aggregate, long sequence) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO domain_event_entry "
                + "(aggregate_identifier, sequence_number, type, event_identifier, payload, payload_type, time_stamp) "
                + "VALUES (?, ?, 'Incident', ?, '{}'::bytea, 'test.Event', '2025-01-01T00:00:00Z')")) {
            insert.setString(1, aggregate);
            insert.setLong(2, sequence);
            insert.setString(3, UUID.randomUUID().toString());
            insert.executeUpdate();
        }
    }

    /** (aggregate, global index) of every committed event, in index order. */
    private static List<List<Object>> indexes() throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT aggregate_identifier, global_index "
                     + "FROM domain_event_entry ORDER BY global_index")) {
            while (rs.next()) {
                rows.add(List.of(rs.getString(1), rs.getLong(2)));
            }
        }
        return rows;
    }
}
