package io.incidenttracker.bench;

import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.launcher.FreePorts;
import io.incidenttracker.launcher.LocalDatabases;
import io.incidenttracker.query.QueryServiceApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * What the measures of one run share: the options, the databases and the broker, the seeded incidents, the pgbench
 * runs every command throughput is compared with, the services currently running, and the results. The harness sets
 * the services as it starts them; each measure takes what it needs.
 */
final class BenchContext {

    /** The topic the command service publishes to and the query service reads. */
    static final String TOPIC = "incident-events";

    private final Options options;
    private final Path workDir;
    private final Results results = new Results();
    private final Http http = new Http();
    private final String pgHost = env("BENCH_PG_HOST", "127.0.0.1");
    private final int pgPort = Integer.parseInt(env("BENCH_PG_PORT", "5432"));
    private final String pgUser = env("BENCH_PG_USER", "postgres");
    private final String pgPassword = env("BENCH_PG_PASSWORD", "");
    private final LocalDatabases.Database commandDb;
    private final LocalDatabases.Database queryDb;
    private final LocalDatabases.Database defaultsQueryDb;
    private final List<Anchors.Result> pgbenchRuns = new ArrayList<>();
    private String bootstrap;
    private Admin admin;
    private List<UUID> incidents;
    private long totalEvents;
    /** Records on the topic after seeding: the events, plus any the publisher sent twice (at least once). */
    private long topicRecords;
    private long topicEnd;
    private Seeding.TopicExtent topicBeforeRebuild;
    private ConfigurableApplicationContext inProcessCommand;
    private ServiceProcess commandService;
    private ServiceProcess queryService;

    BenchContext(Options options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
        // BENCH_DB_PREFIX lets two harness runs share one PostgreSQL without emptying each other's databases
        String base = "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + env("BENCH_DB_PREFIX", "incident_bench");
        this.commandDb = new LocalDatabases.Database(base + "_command", pgUser, pgPassword);
        this.queryDb = new LocalDatabases.Database(base + "_query", pgUser, pgPassword);
        this.defaultsQueryDb = new LocalDatabases.Database(base + "_query_defaults", pgUser, pgPassword);
    }

    /** A setting of the PostgreSQL server ({@code SHOW}), as its text. */
    static String setting(LocalDatabases.Database database, String name) throws SQLException {
        try (Connection connection = connect(database);
             PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    Options options() {
        return options;
    }

    Path workDir() {
        return workDir;
    }

    Results results() {
        return results;
    }

    Http http() {
        return http;
    }

    LocalDatabases.Database commandDb() {
        return commandDb;
    }

    LocalDatabases.Database queryDb() {
        return queryDb;
    }

    LocalDatabases.Database defaultsQueryDb() {
        return defaultsQueryDb;
    }

    // ---- the broker -----------------------------------------------------------------------------------------------

    void broker(String bootstrapServers, Admin kafkaAdmin) {
        this.bootstrap = bootstrapServers;
        this.admin = kafkaAdmin;
    }

    String bootstrap() {
        return bootstrap;
    }

    /**
     * A consumer of the broker that reads committed records only, as the query service reads, with no group and no
     * commits (the caller assigns and seeks); {@code settings} are added to that.
     */
    KafkaConsumer<byte[], byte[]> committedRecordsConsumer(Map<String, String> settings) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(settings);
        return new KafkaConsumer<>(props);
    }

    Admin admin() {
        return admin;
    }

    // ---- what the seeding left ------------------------------------------------------------------------------------

    void seeded(List<UUID> seededIncidents, long events, long recordsOnTopic, long endOfTopic) {
        this.incidents = seededIncidents;
        this.totalEvents = events;
        this.topicRecords = recordsOnTopic;
        this.topicEnd = endOfTopic;
        this.topicBeforeRebuild = new Seeding.TopicExtent(recordsOnTopic, endOfTopic);
    }

    /** The topic as the commands measured in-process left it, after the seeding: what the rebuild reads. */
    void commandsPublished(Seeding.TopicExtent topic) {
        this.topicBeforeRebuild = topic;
    }

    /**
     * What the rebuild reads and counts: the whole topic as it stands before the rebuild, the seeded records and
     * those of the commands measured before it.
     */
    Seeding.TopicExtent topicBeforeRebuild() {
        return topicBeforeRebuild;
    }

    List<UUID> incidents() {
        return incidents;
    }

    long totalEvents() {
        return totalEvents;
    }

    /** The records the seeding left on the topic. */
    long topicRecords() {
        return topicRecords;
    }

    /**
     * Where the processors' positions stand once they have handled every seeded record, in the unit of
     * {@link ProcessorProgress} (offsets + 1, summed over partitions; offsets include the transactions' markers).
     */
    long topicEnd() {
        return topicEnd;
    }

    /** Records per position on the seeded topic: turns a count of positions passed into a count of records. */
    double recordsPerPosition() {
        return topicEnd == 0 ? 1 : (double) topicRecords / topicEnd;
    }

    // ---- the services running -------------------------------------------------------------------------------------

    void inProcessCommand(ConfigurableApplicationContext context) {
        this.inProcessCommand = context;
    }

    /** The command service inside this JVM, while the in-process phase runs. */
    ConfigurableApplicationContext inProcessCommand() {
        return inProcessCommand;
    }

    void services(ServiceProcess command, ServiceProcess query) {
        this.commandService = command;
        this.queryService = query;
    }

    /** The command service as a JVM of its own, while the service phase runs. */
    ServiceProcess commandService() {
        return commandService;
    }

    /** The query service as a JVM of its own, while the service phase runs. */
    ServiceProcess queryService() {
        return queryService;
    }

    // ---- the pgbench anchor of command throughput -----------------------------------------------------------------

    /** Every pgbench run so far, of the in-process and the HTTP measures alike. */
    List<Anchors.Result> pgbenchRuns() {
        return pgbenchRuns;
    }

    /** Runs pgbench on the command database, as many clients for as long as a throughput run, and keeps its result. */
    void runPgbench() throws IOException, InterruptedException {
        pgbenchRuns.add(Anchors.pgbench(pgHost, pgPort, pgUser, commandDb.name(), LoadLoop.CLIENTS, options.seconds(),
                workDir));
    }

    // ---- how the services are started -----------------------------------------------------------------------------

    /** The command service's arguments; a port where it is started in-process. */
    List<String> commandArguments(Integer port) {
        List<String> args = new ArrayList<>(serviceArguments(commandDb));
        args.add("--spring.config.name=" + CommandServiceApplication.CONFIG_NAME);
        if (port != null) {
            args.add("--server.port=" + port);
        }
        return args;
    }

    List<String> queryArguments(LocalDatabases.Database database, List<String> extra) {
        List<String> args = new ArrayList<>(serviceArguments(database));
        args.add("--spring.config.name=" + QueryServiceApplication.CONFIG_NAME);
        // start-up checks of the broker get more time than in production: the machine may be loaded
        args.add("--incident-query.kafka.health-timeout=30s");
        args.addAll(extra);
        return args;
    }

    private List<String> serviceArguments(LocalDatabases.Database database) {
        return List.of(
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--axon.kafka.bootstrap-servers=" + bootstrap,
                "--logging.level.root=WARN",
                "--logging.level.io.incidenttracker=WARN");
    }

    static Connection connect(LocalDatabases.Database database) throws SQLException {
        return DriverManager.getConnection(database.url(), database.user(), database.password());
    }

    /** The single number a statement such as {@code SELECT count(*) ...} answers in {@code database}. */
    static long count(LocalDatabases.Database database, String sql) throws SQLException {
        try (Connection connection = connect(database);
             java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** A port for a service started a little later: outside the ephemeral range, as the launcher picks them. */
    static int freePort() {
        return FreePorts.pick();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
