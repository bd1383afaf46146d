package io.incidenttracker.launcher;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.query.QueryServiceApplication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system in one JVM: an embedded Kafka broker, then the command service, then the query service, each
 * service in its own Spring application context with its own configuration file. {@link #close()} stops them in the
 * reverse order: query, command, broker.
 *
 * <p>Used by the local launcher and by the end-to-end tests.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    /** Loggers of the in-process broker (and the services' Kafka clients), kept at WARN unless overridden. */
    static final List<String> KAFKA_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

    private final Settings settings;
    private EmbeddedKafkaBroker broker;
    private BrokerCluster cluster;
    private Integer brokerPort;
    private Integer brokerControllerPort;
    private String bootstrap;
    private ConfigurableApplicationContext command;
    /** The command service's HTTP port, kept for a restart after the service was stopped. */
    private int commandHttpPort;
    private ConfigurableApplicationContext query;
    private boolean closed;

    private LocalStack(Settings settings) {
        this.settings = settings;
    }

    /** Starts the broker and both services; on failure, whatever had started is stopped again. */
    public static LocalStack start(Settings settings) {
        Objects.requireNonNull(settings.kafkaDirectory, "settings.kafka(...) is required");
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    private void startAll() {
        startBroker();
        startCommandService();
        startQueryService();
    }

    /** Starts the broker, on the ports it had before if it ran already (clients keep their bootstrap address). */
    public void startBroker() {
        if (settings.brokers > 1) {
            BrokerCluster startedCluster = BrokerCluster.start(settings.kafkaDirectory.resolveSibling(
                    settings.kafkaDirectory.getFileName() + "-cluster"), settings.brokers, settings.kafkaPort);
            synchronized (this) {
                cluster = startedCluster;
                bootstrap = startedCluster.bootstrapServers();
                failIfClosed();
            }
            return;
        }
        int port = brokerPort != null ? brokerPort : settings.kafkaPort;
        int controllerPort = brokerControllerPort != null ? brokerControllerPort : settings.kafkaControllerPort;
        EmbeddedKafkaBroker startedBroker = EmbeddedKafkaBroker.start(settings.kafkaDirectory, port, controllerPort);
        synchronized (this) {
            broker = startedBroker;
            brokerPort = startedBroker.port();
            brokerControllerPort = startedBroker.controllerPort();
            bootstrap = startedBroker.bootstrapServers();
            failIfClosed();
        }
    }

    /** Stops the broker only; the services keep running and reconnect when it is back (fault tests). */
    public void stopBroker() {
        EmbeddedKafkaBroker stopping;
        synchronized (this) {
            stopping = broker;
            broker = null;
        }
        if (stopping != null) {
            stopping.close();
        }
    }

    /** Stops the command service (unless it was stopped already) and starts it again on the same port. */
    public void restartCommandService() {
        ConfigurableApplicationContext stopping;
        int port;
        synchronized (this) {
            stopping = command;
            port = commandHttpPort;
        }
        stopping.close();
        startCommandService(port);
    }

    /** Stops the query service and starts it again on the same port. */
    public void restartQueryService() {
        restartQueryService(() -> {
        });
    }

    /** Stops the query service, runs {@code whileStopped}, then starts the service again on the same port. */
    public void restartQueryService(Runnable whileStopped) {
        ConfigurableApplicationContext stopping;
        synchronized (this) {
            stopping = query;
        }
        int port = queryPort();
        stopping.close();
        try {
            whileStopped.run();
        } finally {
            startQueryService(port);
        }
    }

    private void startCommandService() {
        startCommandService(settings.commandPort);
    }

    /**
     * Starts one more command service on a free port against the same database and broker, as a second instance
     * behind a load balancer would run (it accepts commands; its relay stands by while another publishes). The caller
     * stops it.
     */
    public ConfigurableApplicationContext startAnotherCommandService() {
        log.info("Starting another command service instance");
        return new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties("spring.config.name=" + CommandServiceApplication.CONFIG_NAME)
                .main(CommandServiceApplication.class)
                .registerShutdownHook(false)
                .run(serviceArguments(0, settings.commandDatabase, bootstrapServers()));
    }

    /**
     * Starts one more query service in this JVM on a free port against the same database and broker, as a second
     * instance behind a load balancer would run: it answers reads and takes its share of the processors
     * ({@code incident-query.processors}). The caller stops it.
     */
    public ConfigurableApplicationContext startAnotherQueryService(String... arguments) {
        log.info("Starting another query service instance");
        List<String> args = new ArrayList<>(List.of(serviceArguments(0, settings.queryDatabase, bootstrapServers())));
        args.addAll(List.of(arguments));
        return new SpringApplicationBuilder(QueryServiceApplication.class)
                .properties("spring.config.name=" + QueryServiceApplication.CONFIG_NAME)
                .main(QueryServiceApplication.class)
                .registerShutdownHook(false)
                .run(args.toArray(String[]::new));
    }

    /**
     * Starts one more query service as a process of its own ({@link ServiceProcess}), from this JVM's class path, on
     * {@code port}, against the same database and broker, with its output in {@code logFile}: an instance that a test
     * can kill with SIGKILL. The caller stops it.
     */
    public ServiceProcess startQueryServiceProcess(int port, Path logFile, String... arguments) {
        List<String> args = new ArrayList<>(List.of(serviceArguments(port, settings.queryDatabase,
                bootstrapServers())));
        args.addAll(List.of(arguments));
        return ServiceProcess.start("query service", QueryServiceApplication.class.getName(), port, logFile, args);
    }

    /**
     * Starts one more command service as a process of its own ({@link ServiceProcess}), from this JVM's class path, on
     * {@code port}, against the same event store and broker, with its output in {@code logFile}: an instance that a
     * test can kill with SIGKILL (it accepts commands; its relay stands by while another publishes, and publishes when
     * it holds the lock). The caller stops it.
     */
    public ServiceProcess startCommandServiceProcess(int port, Path logFile, String... arguments) {
        List<String> args = new ArrayList<>(List.of(serviceArguments(port, settings.commandDatabase,
                bootstrapServers())));
        args.addAll(List.of(arguments));
        return ServiceProcess.start("command service", CommandServiceApplication.class.getName(), port, logFile,
                args);
    }

    private void startCommandService(Integer port) {
        log.info("Starting the command service");
        ConfigurableApplicationContext startedCommand = new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties("spring.config.name=" + CommandServiceApplication.CONFIG_NAME)
                .main(CommandServiceApplication.class)
                .registerShutdownHook(false)
                .run(serviceArguments(port, settings.commandDatabase, bootstrapServers()));
        synchronized (this) {
            command = startedCommand;
            commandHttpPort = port(startedCommand);
            failIfClosed();
        }
    }

    private void startQueryService() {
        startQueryService(settings.queryPort);
    }

    private void startQueryService(Integer port) {
        log.info("Starting the query service");
        ConfigurableApplicationContext startedQuery = new SpringApplicationBuilder(QueryServiceApplication.class)
                .properties("spring.config.name=" + QueryServiceApplication.CONFIG_NAME)
                .main(QueryServiceApplication.class)
                .registerShutdownHook(false)
                .run(serviceArguments(port, settings.queryDatabase, bootstrapServers()));
        synchronized (this) {
            query = startedQuery;
            failIfClosed();
        }
    }

    private synchronized String bootstrapServers() {
        return bootstrap;
    }

    private void failIfClosed() {
        if (closed) {
            throw new IllegalStateException("stopped while starting");
        }
    }

    /** Command-line style overrides for one service; a key given in the extra arguments wins over ours. */
    private String[] serviceArguments(Integer port, LocalDatabases.Database database, String bootstrapServers) {
        List<String> args = new ArrayList<>();
        add(args, "axon.kafka.bootstrap-servers", bootstrapServers);
        if (settings.brokers > 1) {
            // three replicas of the incident topic, two of them in sync for a write (with the producers' acks=all)
            add(args, "incidenttracker.kafka.replication-factor", Integer.toString(Math.min(3, settings.brokers)));
            add(args, "incidenttracker.kafka.min-insync-replicas",
                    Integer.toString(Math.max(1, Math.min(3, settings.brokers) - 1)));
        }
        if (port != null) {
            add(args, "server.port", port.toString());
        }
        if (database != null) {
            add(args, "spring.datasource.url", database.url());
            add(args, "spring.datasource.username", database.user());
            add(args, "spring.datasource.password", database.password());
        }
        for (String logger : KAFKA_LOGGERS) {
            add(args, "logging.level." + logger, "WARN");
        }
        // one logging system serves both services; it would tag every line with the first service's name
        add(args, "logging.include-application-name", "false");
        List<String> result = new ArrayList<>();
        for (String arg : args) {
            if (!settings.hasExtraArgument(key(arg))) {
                result.add(arg);
            }
        }
        result.addAll(settings.extraArguments);
        return result.toArray(String[]::new);
    }

    private static void add(List<String> args, String key, String value) {
        args.add("--" + key + "=" + value);
    }

    private static String key(String argument) {
        int equals = argument.indexOf('=');
        return (equals < 0 ? argument : argument.substring(0, equals)).replaceFirst("^--", "");
    }

    /** The single broker; null when the stack runs a {@link #cluster()}. */
    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** The broker cluster of {@code --brokers=N} (N > 1); null with the single default broker. */
    public BrokerCluster cluster() {
        return cluster;
    }

    /** The clients' {@code bootstrap.servers}. */
    public synchronized String kafkaBootstrapServers() {
        return bootstrap;
    }

    public ConfigurableApplicationContext commandContext() {
        return command;
    }

    public ConfigurableApplicationContext queryContext() {
        return query;
    }

    public int commandPort() {
        return port(command);
    }

    public int queryPort() {
        return port(query);
    }

    /** {@code http://localhost:<port>} of the command service. */
    public URI commandUri() {
        return URI.create("http://localhost:" + commandPort());
    }

    /** {@code http://localhost:<port>} of the query service. */
    public URI queryUri() {
        return URI.create("http://localhost:" + queryPort());
    }

    private static int port(ConfigurableApplicationContext context) {
        if (context instanceof WebServerApplicationContext web && web.getWebServer() != null) {
            return web.getWebServer().getPort();
        }
        throw new IllegalStateException("the service has no running web server");
    }

    /** Stops the query service, then the command service, then the broker. Safe to call more than once. */
    @Override
    public void close() {
        ConfigurableApplicationContext stopQuery;
        ConfigurableApplicationContext stopCommand;
        EmbeddedKafkaBroker stopBroker;
        BrokerCluster stopCluster;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopQuery = query;
            stopCommand = command;
            stopBroker = broker;
            stopCluster = cluster;
        }
        RuntimeException failure = null;
        failure = stop("query service", stopQuery == null ? null : stopQuery::close, failure);
        failure = stop("command service", stopCommand == null ? null : stopCommand::close, failure);
        failure = stop("Kafka broker", stopBroker == null ? null : stopBroker::close, failure);
        failure = stop("Kafka cluster", stopCluster == null ? null : stopCluster::close, failure);
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException stop(String what, Runnable action, RuntimeException earlier) {
        if (action == null) {
            return earlier;
        }
        try {
            log.info("Stopping the {}", what);
            action.run();
            return earlier;
        } catch (RuntimeException e) {
            log.warn("Stopping the {} failed", what, e);
            if (earlier != null) {
                earlier.addSuppressed(e);
                return earlier;
            }
            return e;
        }
    }

    /** What to start where. Ports of 0 pick free ones; a null port or database keeps the service's own default. */
    public static final class Settings {

        private Path kafkaDirectory;
        private int kafkaPort;
        private int kafkaControllerPort;
        private int brokers = 1;
        private Integer commandPort;
        private Integer queryPort;
        private LocalDatabases.Database commandDatabase;
        private LocalDatabases.Database queryDatabase;
        private final List<String> extraArguments = new ArrayList<>();

        public Settings kafka(Path directory, int port, int controllerPort) {
            this.kafkaDirectory = Objects.requireNonNull(directory, "directory");
            this.kafkaPort = port;
            this.kafkaControllerPort = controllerPort;
            return this;
        }

        /**
         * How many Kafka nodes: 1 (the default) runs one broker in this JVM; more start a {@link BrokerCluster} of
         * that many processes (data next to the single broker's directory, ports from the Kafka port on).
         */
        public Settings brokers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least one broker, not " + count);
            }
            this.brokers = count;
            return this;
        }

        public Settings commandPort(Integer port) {
            this.commandPort = port;
            return this;
        }

        public Settings queryPort(Integer port) {
            this.queryPort = port;
            return this;
        }

        public Settings commandDatabase(LocalDatabases.Database database) {
            this.commandDatabase = database;
            return this;
        }

        public Settings queryDatabase(LocalDatabases.Database database) {
            this.queryDatabase = database;
            return this;
        }

        /** Extra {@code --key=value} arguments for both services; they win over the settings above. */
        public Settings extraArguments(List<String> arguments) {
            this.extraArguments.addAll(arguments);
            return this;
        }

        private boolean hasExtraArgument(String key) {
            return extraArguments.stream().anyMatch(arg -> key(arg).equals(key));
        }

        Path kafkaDirectory() {
            return kafkaDirectory;
        }
    }
}
