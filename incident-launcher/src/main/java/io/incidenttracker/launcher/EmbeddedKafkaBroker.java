package io.incidenttracker.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node Kafka broker (KRaft mode: broker and controller in one node) running inside this JVM.
 *
 * <p>All state lives in one directory: {@code server.properties} (written at every start, for reference),
 * {@code cluster-id} (chosen at the first start and reused afterwards) and {@code logs/} (the partition and
 * metadata logs). Starting again on the same directory keeps every topic and record.
 *
 * <p>A port of 0 picks a free port on the loopback interface; {@link #port()} and {@link #bootstrapServers()} tell
 * which one was taken.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    static final String HOST = "localhost";
    static final String CLUSTER_ID_FILE = "cluster-id";
    static final String PROPERTIES_FILE = "server.properties";
    static final String LOG_DIRECTORY = "logs";
    private static final int NODE_ID = 1;
    /** The log cleaner's dedupe buffer, allocated on the heap at the broker's start (Kafka's default: 128 MiB). */
    static final int DEDUPE_BUFFER_BYTES = 16 * 1024 * 1024;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path directory;
    private final int nodeId;
    private final int port;
    private final int controllerPort;
    private final KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Path directory, int nodeId, int port, int controllerPort, KafkaRaftServer server) {
        this.directory = directory;
        this.nodeId = nodeId;
        this.port = port;
        this.controllerPort = controllerPort;
        this.server = server;
    }

    /** Starts a broker with its data in {@code directory}; ports of 0 are replaced by free ones. */
    public static EmbeddedKafkaBroker start(Path directory, int port, int controllerPort) {
        return start(directory, port, controllerPort, Map.of());
    }

    /**
     * Starts a broker with its data in {@code directory}; ports of 0 are replaced by free ones, and
     * {@code overrides} are added to (or replace) the broker settings.
     */
    public static EmbeddedKafkaBroker start(Path directory, int port, int controllerPort,
                                            Map<String, String> overrides) {
        Objects.requireNonNull(directory, "directory");
        Path dir = directory.toAbsolutePath().normalize();
        int brokerPort = port == 0 ? FreePorts.pick() : requireFree(port, "broker");
        int quorumPort = controllerPort == 0 ? FreePorts.pick(brokerPort) : requireFree(controllerPort, "controller");
        if (brokerPort == quorumPort) {
            throw new IllegalArgumentException("broker and controller need two different ports, both are " + brokerPort);
        }
        try {
            Files.createDirectories(dir.resolve(LOG_DIRECTORY));
            Properties props = serverProperties(dir, brokerPort, quorumPort);
            overrides.forEach(props::setProperty);
            Path propertiesFile = writeProperties(dir, props);
            format(propertiesFile, clusterId(dir));

            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            long started = System.nanoTime();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, Integer.parseInt(props.getProperty("node.id")),
                    brokerPort, quorumPort, server);
            try {
                server.startup();
                broker.awaitReady();
            } catch (RuntimeException | Error e) {
                broker.close();
                throw e;
            }
            log.info("Kafka broker ready on {} (controller port {}, data in {}) after {} ms",
                    broker.bootstrapServers(), quorumPort, dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka data directory " + dir, e);
        }
    }

    /** The settings of a single-node broker and controller, all data under {@code directory}. */
    static Properties serverProperties(Path directory, int port, int controllerPort) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", Integer.toString(NODE_ID));
        settings.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        settings.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("log.dirs", directory.resolve(LOG_DIRECTORY).toString());
        settings.put("num.partitions", "1");
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("auto.create.topics.enable", "false");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("unclean.leader.election.enable", "false");
        // The log cleaner (which compacts the consumer offsets and the transactions' state) allocates its dedupe
        // buffer on the heap when the broker starts: Kafka's default of 128 MiB is half of a cluster node's heap,
        // and a node whose heap held more than the rest when the cleaner started ended with an OutOfMemoryError.
        // 16 MiB index about 600,000 distinct keys per cleaning pass, far more than these compacted topics hold.
        settings.put("log.cleaner.dedupe.buffer.size", Integer.toString(DEDUPE_BUFFER_BYTES));
        Properties props = new Properties();
        settings.forEach(props::setProperty);
        return props;
    }

    private static Path writeProperties(Path directory, Properties props) throws IOException {
        Path file = directory.resolve(PROPERTIES_FILE);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "written by EmbeddedKafkaBroker at every start; edits are not read back");
        }
        return file;
    }

    /** The cluster id kept beside the logs, chosen at the first start. */
    private static String clusterId(Path directory) throws IOException {
        Path file = directory.resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = existingClusterId(directory.resolve(LOG_DIRECTORY).resolve("meta.properties"));
        if (id == null) {
            id = Uuid.randomUuid().toString();
        }
        Files.writeString(file, id + System.lineSeparator(), StandardCharsets.UTF_8);
        return id;
    }

    private static String existingClusterId(Path metaProperties) throws IOException {
        if (!Files.exists(metaProperties)) {
            return null;
        }
        Properties meta = new Properties();
        try (var in = Files.newInputStream(metaProperties)) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }

    /** Formats the log directory unless it already is (the storage tool's {@code --ignore-formatted}). */
    private static void format(Path propertiesFile, String clusterId) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {
                    "format",
                    "--config", propertiesFile.toString(),
                    "--cluster-id", clusterId,
                    "--ignore-formatted"}, out);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot format the Kafka log directory: " + e.getMessage()
                    + " (" + output.toString(StandardCharsets.UTF_8).trim() + ")", e);
        }
        String printed = output.toString(StandardCharsets.UTF_8).trim();
        if (exitCode != 0) {
            throw new IllegalStateException("cannot format the Kafka log directory (exit code " + exitCode + "): "
                    + printed);
        }
        if (!printed.isEmpty()) {
            log.debug("kafka-storage format: {}", printed);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-broker-readiness");
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (nodes.stream().anyMatch(node -> node.id() == nodeId)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
        throw new IllegalStateException("the Kafka broker on " + bootstrapServers() + " was not ready within "
                + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** {@code localhost:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    public Path directory() {
        return directory;
    }

    /** Shuts the broker down and waits until it has stopped; logs are flushed, so a restart finds every record. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
        } finally {
            server.awaitShutdown();
        }
        log.info("Kafka broker on {} stopped", bootstrapServers());
    }

    private static int requireFree(int port, String role) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        if (!FreePorts.isFree(port)) {
            throw new IllegalStateException("cannot start the Kafka " + role + " listener: port " + port
                    + " on " + HOST + " is already in use (is another Kafka broker running?)");
        }
        return port;
    }
}
