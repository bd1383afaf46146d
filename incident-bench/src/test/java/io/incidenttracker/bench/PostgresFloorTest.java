package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.incidenttracker.launcher.LocalDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The floor against a real PostgreSQL on this machine: the database the tests use, recreated for this class. */
class PostgresFloorTest {

    static final LocalDatabases.Database DATABASE = LocalDatabases.query()
            .withName("incident_bench_floor" + System.getenv().getOrDefault("TEST_DB_SUFFIX", ""));

    @BeforeAll
    static void tablesWithRows() throws Exception {
        LocalDatabases.recreate(DATABASE);
        try (Connection connection = BenchContext.connect(DATABASE);
             Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE entry (position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                        event_id TEXT NOT NULL UNIQUE, payload JSONB NOT NULL,
                                        CHECK (length(event_id) > 0))""");
            statement.execute("CREATE INDEX entry_payload_idx ON entry ((payload ->> 'kind'))");
            statement.execute("""
                    INSERT INTO entry (event_id, payload)
                    SELECT 'event-' || i, jsonb_build_object('kind', i % 7) FROM generate_series(1, 20000) i""");
            statement.execute("CREATE TABLE empty_view (id UUID PRIMARY KEY)");
            // neither is what a rebuild stores: the schema's history, and a copy left by an interrupted measure
            statement.execute("CREATE TABLE flyway_schema_history (version TEXT)");
            statement.execute("INSERT INTO flyway_schema_history VALUES ('1')");
            statement.execute("CREATE TABLE " + PostgresFloor.COPY_PREFIX + "entry (LIKE entry)");
            statement.execute("INSERT INTO " + PostgresFloor.COPY_PREFIX + "entry SELECT * FROM entry LIMIT 5");
        }
    }

    @Test
    void writesEveryRowOfTheSchemasTablesOnceMoreAndLeavesNoCopyBehind() throws Exception {
        PostgresFloor.Result floor = PostgresFloor.measure(DATABASE).orElseThrow();

        assertThat(floor.byTable()).containsOnlyKeys("entry", "empty_view");
        assertThat(floor.byTable().get("entry").rows()).isEqualTo(20_000);
        assertThat(floor.byTable().get("empty_view").rows()).isZero();
        assertThat(floor.rows()).isEqualTo(20_000);
        // 20,000 rows with three indexes take the server some CPU, which /proc counts in ticks of 10 ms
        assertThat(floor.cpuMillis()).isPositive();
        assertThat(floor.cpuMillisPerRow()).isEqualTo(floor.cpuMillis() / 20_000);
        // the copy an interrupted measure left was not measured as a table of its own, and is gone with the new one
        assertThat(tables()).containsExactlyInAnyOrder("entry", "empty_view", "flyway_schema_history");
    }

    private static List<String> tables() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = BenchContext.connect(DATABASE);
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery(
                     "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
