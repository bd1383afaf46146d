package io.incidenttracker.command.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The tests' PostgreSQL: the local server unless TEST_PG_HOST/TEST_PG_USER say otherwise. */
public final class TestDatabases {

    public static final String HOST = System.getenv().getOrDefault("TEST_PG_HOST", "127.0.0.1:5432");
    public static final String USER = System.getenv().getOrDefault("TEST_PG_USER", "postgres");
    public static final String PASSWORD = System.getenv().getOrDefault("TEST_PG_PASSWORD", "");
    /** Appended to database names, so that two checkouts can run their tests on one server at once. */
    public static final String SUFFIX = System.getenv().getOrDefault("TEST_DB_SUFFIX", "");

    private TestDatabases() {
    }

    /** The JDBC URL of a database on the test server, created if it is missing. */
    public static String ensure(String name) {
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery(
                    "SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (!rs.next()) {
                    statement.execute("CREATE DATABASE " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + HOST + " as " + USER
                    + ": the integration tests need it", e);
        }
        return url(name);
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + HOST + "/" + database;
    }
}
