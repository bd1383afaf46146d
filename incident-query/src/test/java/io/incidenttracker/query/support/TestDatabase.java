package io.incidenttracker.query.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The local PostgreSQL database the integration tests run against; created on first use. */
public final class TestDatabase {

    public static final String HOST = "127.0.0.1:5432";
    public static final String NAME = "incident_query_test";
    public static final String URL = "jdbc:postgresql://" + HOST + "/" + NAME;
    public static final String USER = "postgres";

    private static volatile boolean ensured;

    private TestDatabase() {
    }

    public static synchronized void ensureExists() {
        if (ensured) {
            return;
        }
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres", USER, "");
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
