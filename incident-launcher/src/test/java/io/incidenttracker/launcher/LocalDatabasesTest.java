package io.incidenttracker.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class LocalDatabasesTest {

    @Test
    void readsTheSameVariablesAndDefaultsAsTheServices() {
        var command = LocalDatabases.command(name -> null);
        assertThat(command.url()).isEqualTo("jdbc:postgresql://localhost:5432/incident_command");
        assertThat(command.user()).isEqualTo("postgres");
        assertThat(command.password()).isEmpty();

        var query = LocalDatabases.query(Map.of(
                "INCIDENT_QUERY_DB_URL", "jdbc:postgresql://db.example:6543/views?sslmode=require",
                "INCIDENT_QUERY_DB_USER", "reader",
                "INCIDENT_QUERY_DB_PASSWORD", "secret")::get);
        assertThat(query.name()).isEqualTo("views");
        assertThat(query.user()).isEqualTo("reader");
        assertThat(query.password()).isEqualTo("secret");
        assertThat(query.maintenanceUrl()).isEqualTo("jdbc:postgresql://db.example:6543/postgres?sslmode=require");
        assertThat(query.withName("other").url()).isEqualTo("jdbc:postgresql://db.example:6543/other?sslmode=require");
    }

    @Test
    void rejectsAUrlWithoutADatabase() {
        assertThatThrownBy(() -> new LocalDatabases.Database("jdbc:postgresql://localhost:5432/", "postgres", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://host:5432/database");
    }

    @Test
    void createsAMissingDatabaseOnceAndRecreatesItEmpty() throws Exception {
        String name = "incident_launcher_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        var database = LocalDatabases.command().withName(name);
        try {
            assertThat(LocalDatabases.ensureExists(database)).isTrue();
            assertThat(LocalDatabases.ensureExists(database)).isFalse();

            execute(database, "CREATE TABLE marker (id int)");
            assertThat(tableExists(database)).isTrue();

            LocalDatabases.recreate(database);
            assertThat(tableExists(database)).isFalse();
        } finally {
            try (Connection connection = connect(database.maintenanceUrl(), database);
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    private static void execute(LocalDatabases.Database database, String sql) throws Exception {
        try (Connection connection = connect(database.url(), database);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static boolean tableExists(LocalDatabases.Database database) throws Exception {
        try (Connection connection = connect(database.url(), database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT to_regclass('public.marker') IS NOT NULL")) {
            rows.next();
            return rows.getBoolean(1);
        }
    }

    private static Connection connect(String url, LocalDatabases.Database database) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", database.user());
        if (!database.password().isEmpty()) {
            props.setProperty("password", database.password());
        }
        return DriverManager.getConnection(url, props);
    }
}
