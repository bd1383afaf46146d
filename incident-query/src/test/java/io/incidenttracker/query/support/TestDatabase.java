package io.incidenttracker.query.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The local PostgreSQL database the integration tests run against; created on first use. {@code TEST_PG_HOST},
 * {@code TEST_PG_USER}, {@code TEST_PG_PASSWORD} point elsewhere; {@code TEST_DB_SUFFIX} keeps two checkouts' test
 * runs apart on one server.
 */
public final class TestDatabase {

    public static final String HOST = System.getenv().getOrDefault("TEST_PG_HOST", "127.0.0.1:5432");
    public static final String NAME = "incident_query_test" + System.getenv().getOrDefault("TEST_DB_SUFFIX", "");
    public static final String URL = "jdbc:postgresql://" + HOST + "/" + NAME;
    public static final String USER = System.getenv().getOrDefault("TEST_PG_USER", "postgres");
    public static final String PASSWORD = System.getenv().getOrDefault("TEST_PG_PASSWORD", "");

    private static volatile boolean ensured;

    private TestDatabase() {
    }

    public static synchronized void ensureExists() {
        if (ensured) {
            return;
        }
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", USER, PASSWORD);
             PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, NAME);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + NAME);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed on " + HOST + " (user " + USER + ")", e);
        }
        ensured = true;
    }
}
