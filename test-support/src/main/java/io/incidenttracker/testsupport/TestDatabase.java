package io.incidenttracker.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tests' PostgreSQL: the local server unless {@code TEST_PG_HOST}, {@code TEST_PG_USER} and
 * {@code TEST_PG_PASSWORD} say otherwise. {@code TEST_DB_SUFFIX} is appended to every database name, so that two
 * checkouts can run their tests on one server at once. Databases are created on first use.
 */
public final class TestDatabase {

    public static final String HOST = System.getenv().getOrDefault("TEST_PG_HOST", "127.0.0.1:5432");
    public static final String USER = System.getenv().getOrDefault("TEST_PG_USER", "postgres");
    public static final String PASSWORD = System.getenv().getOrDefault("TEST_PG_PASSWORD", "");
    /** Appended to database names, so that two checkouts can run their tests on one server at once. */
    public static final String SUFFIX = System.getenv().getOrDefault("TEST_DB_SUFFIX", "");

    private static final Set<String> ENSURED = ConcurrentHashMap.newKeySet();

    private TestDatabase() {
    }

    /** The name of this checkout's copy of a test database: the base name with the suffix. */
    public static String name(String base) {
        return base + SUFFIX;
    }

    /** The JDBC URL of a database on the test server, created if it is missing (the name is taken as it is). */
    public static String ensure(String database) {
        if (ENSURED.contains(database)) {
            return url(database);
        }
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, database);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + database);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + HOST + " as " + USER
                    + ": the integration tests need it", e);
        }
        ENSURED.add(database);
        return url(database);
    }

    /** The JDBC URL of a database on the test server. */
    public static String url(String database) {
        return "jdbc:postgresql://" + HOST + "/" + database;
    }

    /** A connection to a database on the test server. */
    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, USER, PASSWORD);
    }
}
