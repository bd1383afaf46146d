package io.incidenttracker.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of several KRaft nodes on the loopback interface, each node (broker and controller) a process of
 * its own ({@link ClusterNode}), started from this JVM's class path. {@link #kill(int)} is a real kill -9 of one node;
 * {@link #restart(int)} starts it again on its directory and ports. Every topic gets three replicas, two of which must
 * have a record before it counts as written ({@code min.insync.replicas=2}), Kafka's own offsets and transaction
 * state included.
 *
 * <p>Node {@code i} (from 1) keeps its data in {@code directory/node-i} and its output in {@code node-i/node.log}.
 */
public final class BrokerCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BrokerCluster.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    private static final int PORT_ATTEMPTS = 3;
    /** The end of a node's output quoted when it ended unexpectedly. */
    private static final int LOG_TAIL_LINES = 15;

    private final Path directory;
    private final int[] ports;
    private final int[] controllerPorts;
    private final String voters;
    private final Process[] processes;
    /** Where each node's output of its latest start begins in its node.log (the file is appended to). */
    private final long[] logStarts;
    private boolean closed;

    private BrokerCluster(Path directory, int[] ports, int[] controllerPorts) {
        this.directory = directory;
        this.ports = ports;
        this.controllerPorts = controllerPorts;
        this.processes = new Process[ports.length];
        this.logStarts = new long[ports.length];
        List<String> voterList = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            voterList.add((i + 1) + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPorts[i]);
        }
        this.voters = String.join(",", voterList);
    }

    /**
     * Starts {@code size} nodes with their data under {@code directory}. A {@code firstPort} of 0 picks free ports;
     * otherwise node i listens on {@code firstPort + 2(i-1)} and its controller on the port after it.
     *
     * <p>With ports picked here, a node that ends at its start because one of its ports was taken meanwhile (by a
     * process outside this cluster) makes the whole cluster start again on other ports, up to
     * {@value #PORT_ATTEMPTS} times in all.
     */
    public static BrokerCluster start(Path directory, int size, int firstPort) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, not " + size);
        }
        Path dir = directory.toAbsolutePath().normalize();
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dir, size, firstPort);
            } catch (NodeEnded e) {
                if (firstPort != 0 || !e.portTaken() || attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                log.warn("{}; starting the cluster again on other ports (attempt {} of {})", e.getMessage(),
                        attempt + 1, PORT_ATTEMPTS);
            }
        }
    }

    private static BrokerCluster startOnce(Path dir, int size, int firstPort) {
        int[] ports = new int[size];
        int[] controllerPorts = new int[size];
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports[i] = firstPort == 0 ? free(taken) : firstPort + 2 * i;
            controllerPorts[i] = firstPort == 0 ? free(taken) : firstPort + 2 * i + 1;
        }
        BrokerCluster cluster = new BrokerCluster(dir, ports, controllerPorts);
        try {
            String clusterId = cluster.clusterId();
            for (int node = 1; node <= size; node++) {
                Path nodeDirectory = cluster.nodeDirectory(node);
                Files.createDirectories(nodeDirectory);
                Files.writeString(nodeDirectory.resolve(EmbeddedKafkaBroker.CLUSTER_ID_FILE),
                        clusterId + System.lineSeparator(), StandardCharsets.UTF_8);
            }
            long started = System.nanoTime();
            for (int node = 1; node <= size; node++) {
                cluster.launch(node);
            }
            cluster.awaitNodes(size);
            log.info("Kafka cluster of {} nodes ready on {} after {} ms (data in {})", size,
                    cluster.bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), dir);
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot prepare the cluster directory " + dir, e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static int free(List<Integer> taken) {
        int port = FreePorts.pick(taken.stream().mapToInt(Integer::intValue).toArray());
        taken.add(port);
        return port;
    }

    /** The cluster id, chosen at the first start and kept beside the nodes' directories. */
    private String clusterId() throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(EmbeddedKafkaBroker.CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id + System.lineSeparator(), StandardCharsets.UTF_8);
        return id;
    }

    private Path nodeDirectory(int node) {
        return directory.resolve("node-" + node);
    }

    private synchronized void launch(int node) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms64m");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dlogback.configurationFile=" + logbackFile());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        if (runsFromExecutableJar()) {
            command.add("-Dloader.main=" + ClusterNode.class.getName());
            command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        } else {
            command.add(ClusterNode.class.getName());
        }
        command.add(nodeDirectory(node).toString());
        command.add(Integer.toString(node));
        command.add(Integer.toString(ports[node - 1]));
        command.add(Integer.toString(controllerPorts[node - 1]));
        command.add(voters);
        command.add(Integer.toString(ports.length));
        try {
            Path logFile = nodeDirectory(node).resolve("node.log");
            logStarts[node - 1] = Files.exists(logFile) ? Files.size(logFile) : 0;
            processes[node - 1] = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka node " + node, e);
        }
    }

    /** A Logback configuration for the nodes: warnings and errors only, to their node.log. */
    private Path logbackFile() {
        Path file = directory.resolve("node-logback.xml");
        try {
            Files.writeString(file, """
                    <configuration>
                      <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="WARN"><appender-ref ref="OUT"/></root>
                    </configuration>
                    """, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Inside the launcher's executable jar the class path is that jar: Spring Boot's loader finds the classes. */
    private static boolean runsFromExecutableJar() {
        return ClusterNode.class.getClassLoader().getClass().getName().startsWith("org.springframework.boot.loader");
    }

    /** Waits until the cluster has this many live brokers. */
    public void awaitNodes(int count) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                for (int node = 1; node <= processes.length; node++) {
                    Process process = processes[node - 1];
                    if (process != null && !process.isAlive()) {
                        throw ended(node, process.exitValue());
                    }
                }
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    if (nodes.size() >= count) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka cluster", e);
        }
        throw new IllegalStateException("the Kafka cluster on " + bootstrapServers() + " did not have " + count
                + " live nodes within " + READY_TIMEOUT.toSeconds() + " s", last);
    }

    /** A node that ended by itself, with the end of what it printed since its latest start. */
    private NodeEnded ended(int node, int exitCode) {
        Path logFile = nodeDirectory(node).resolve("node.log");
        String output;
        try {
            byte[] bytes = Files.readAllBytes(logFile);
            int from = (int) Math.min(bytes.length, logStarts[node - 1]);
            output = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            output = "";
        }
        String tail = endOfOutput(output);
        return new NodeEnded("Kafka node " + node + " ended with exit code " + exitCode + "; see " + logFile
                + (tail.isEmpty() ? "" : "; its output ends with:" + System.lineSeparator() + tail),
                output.contains("already in use"));
    }

    /**
     * What a node printed, shortened for a message: its last {@value #LOG_TAIL_LINES} lines, after its first error
     * and the line below it (the exception the error names), which a long stack trace would push out of the tail.
     */
    static String endOfOutput(String output) {
        List<String> lines = output.lines().toList();
        int tailFrom = Math.max(0, lines.size() - LOG_TAIL_LINES);
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < tailFrom; i++) {
            if (lines.get(i).contains(" ERROR ")) {
                shown.addAll(lines.subList(i, Math.min(tailFrom, i + 2)));
                if (i + 2 < tailFrom) {
                    shown.add("...");
                }
                break;
            }
        }
        shown.addAll(lines.subList(tailFrom, lines.size()));
        return String.join(System.lineSeparator(), shown);
    }

    /** A node's process ended before it was asked to; {@code portTaken} when one of its ports was in use. */
    static final class NodeEnded extends IllegalStateException {

        private final boolean portTaken;

        NodeEnded(String message, boolean portTaken) {
            super(message);
            this.portTaken = portTaken;
        }

        boolean portTaken() {
            return portTaken;
        }
    }

    /** Kills node {@code node} (from 1) with SIGKILL and waits until the process is gone. */
    public void kill(int node) {
        Process process;
        synchronized (this) {
            process = processes[node - 1];
            processes[node - 1] = null;
        }
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("Kafka node {} killed (kill -9)", node);
    }

    /** Starts node {@code node} again on its directory and ports, and waits until the cluster has all its nodes. */
    public void restart(int node) {
        synchronized (this) {
            if (processes[node - 1] != null) {
                throw new IllegalStateException("Kafka node " + node + " is running");
            }
            launch(node);
        }
        awaitNodes(processes.length);
    }

    /** The node (from 1) that leads a partition now, or -1 when it has no leader. */
    public int leaderOf(String topic, int partition) {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
            TopicPartitionInfo info = description.partitions().get(partition);
            return info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** For each partition of the topic, how many replicas are in sync. */
    public Map<Integer, Integer> inSyncReplicas(String topic) {
        try (Admin admin = admin()) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic);
            return description.partitions().stream().collect(Collectors.toMap(TopicPartitionInfo::partition,
                    info -> info.isr().size(), (a, b) -> a, LinkedHashMap::new));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.CLIENT_ID_CONFIG, "broker-cluster"));
    }

    /** Every node's {@code localhost:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        List<String> servers = new ArrayList<>();
        for (int port : ports) {
            servers.add(EmbeddedKafkaBroker.HOST + ":" + port);
        }
        return String.join(",", servers);
    }

    public int size() {
        return ports.length;
    }

    public Path directory() {
        return directory;
    }

    /** Stops every node (SIGTERM: a clean shutdown), killing one that has not ended within 20 s. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process process : processes) {
            if (process != null) {
                process.destroy();
            }
        }
        for (int i = 0; i < processes.length; i++) {
            Process process = processes[i];
            if (process == null) {
                continue;
            }
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            processes[i] = null;
        }
        log.info("Kafka cluster on {} stopped", bootstrapServers());
    }
}
