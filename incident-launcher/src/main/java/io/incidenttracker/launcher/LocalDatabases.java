package io.incidenttracker.launcher;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the services' PostgreSQL databases when they are missing. Each service's Flyway migrations then create its
 * tables; this class only makes sure that there is a database to migrate.
 *
 * <p>It connects to the {@code postgres} maintenance database on the same server, as the same user, and runs
 * {@code CREATE DATABASE}. The user therefore needs the CREATEDB privilege (the {@code postgres} superuser of a local
 * installation has it).
 */
public final class LocalDatabases {

    private static final Logger log = LoggerFactory.getLogger(LocalDatabases.class);

    private static final Pattern JDBC_URL =
            Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^/?]+)(\\?.*)?$");
    private static final Pattern PLAIN_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_$-]{0,62}$");
    private static final String MAINTENANCE_DATABASE = "postgres";
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";

    private LocalDatabases() {
    }

    /** Where a service keeps its data: a JDBC URL with the user and password to connect with. */
    public record Database(String url, String user, String password) {

        public Database {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            password = password == null ? "" : password;
            parse(url);
        }

        /** The database name from the URL, e.g. {@code incident_command}. */
        public String name() {
            return parse(url).group(2);
        }

        /** The URL of the {@code postgres} database on the same server, with the same parameters. */
        public String maintenanceUrl() {
            Matcher m = parse(url);
            return m.group(1) + MAINTENANCE_DATABASE + (m.group(3) == null ? "" : m.group(3));
        }

        /** The same server and credentials, another database. */
        public Database withName(String name) {
            Matcher m = parse(url);
            return new Database(m.group(1) + name + (m.group(3) == null ? "" : m.group(3)), user, password);
        }

        @Override
        public String toString() {
            return url + " (user " + user + ")";
        }
    }

    /** The command service's database, from the same environment variables and defaults as the service. */
    public static Database command() {
        return command(System::getenv);
    }

    /** The query service's database, from the same environment variables and defaults as the service. */
    public static Database query() {
        return query(System::getenv);
    }

    static Database command(Function<String, String> env) {
        return fromEnvironment(env, "INCIDENT_COMMAND", "incident_command");
    }

    static Database query(Function<String, String> env) {
        return fromEnvironment(env, "INCIDENT_QUERY", "incident_query");
    }

    private static Database fromEnvironment(Function<String, String> env, String prefix, String defaultName) {
        return new Database(
                orDefault(env.apply(prefix + "_DB_URL"), "jdbc:postgresql://localhost:5432/" + defaultName),
                orDefault(env.apply(prefix + "_DB_USER"), "postgres"),
                orDefault(env.apply(prefix + "_DB_PASSWORD"), ""));
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** Creates each database that does not exist yet; existing ones are left exactly as they are. */
    public static void ensureExist(List<Database> databases) {
        databases.forEach(LocalDatabases::ensureExists);
    }

    /** Creates the database unless it exists; returns true when it was created now. */
    public static boolean ensureExists(Database database) {
        String name = checkedName(database);
        try (Connection connection = connect(database.maintenanceUrl(), database)) {
            if (exists(connection, name)) {
                return false;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + quote(name));
                log.info("Created database {}", name);
                return true;
            } catch (SQLException e) {
                if (DUPLICATE_DATABASE.equals(e.getSQLState()) || UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot create database " + name, database, e);
        }
    }

    /**
     * Drops the database, with everything in it, and creates it empty again. For tests only: it ends every other
     * session connected to that database.
     */
    public static void recreate(Database database) {
        String name = checkedName(database);
        if (MAINTENANCE_DATABASE.equals(name)) {
            throw new IllegalArgumentException("refusing to drop the maintenance database " + name);
        }
        try (Connection connection = connect(database.maintenanceUrl(), database);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + quote(name));
            log.info("Recreated database {} empty", name);
        } catch (SQLException e) {
            throw failure("cannot recreate database " + name, database, e);
        }
    }

    private static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Connection connect(String url, Database database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", database.user());
        if (!database.password().isEmpty()) {
            props.setProperty("password", database.password());
        }
        props.setProperty("ApplicationName", "incident-tracker-launcher");
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, props);
    }

    private static String checkedName(Database database) {
        String name = database.name();
        if (!PLAIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("unsupported database name '" + name + "' in " + database.url());
        }
        return name;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static Matcher parse(String url) {
        Matcher m = JDBC_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected a JDBC URL like jdbc:postgresql://host:5432/database, got " + url);
        }
        return m;
    }

    private static IllegalStateException failure(String what, Database database, SQLException e) {
        return new IllegalStateException(what + " via " + database.maintenanceUrl() + " as " + database.user()
                + ": " + e.getMessage() + hint(e), e);
    }

    private static String hint(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return ". Is PostgreSQL running and reachable? Set INCIDENT_COMMAND_DB_URL / INCIDENT_QUERY_DB_URL"
                    + " (and _DB_USER, _DB_PASSWORD) to point elsewhere.";
        }
        if ("28P01".equals(state) || "28000".equals(state)) {
            return ". Check INCIDENT_COMMAND_DB_USER / _DB_PASSWORD and INCIDENT_QUERY_DB_USER / _DB_PASSWORD.";
        }
        if ("42501".equals(state)) {
            return ". The user needs the CREATEDB privilege, or create the database yourself.";
        }
        return "";
    }
}
