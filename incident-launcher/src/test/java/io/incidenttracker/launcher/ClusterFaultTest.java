package io.incidenttracker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.command.publishing.PublicationRelay;
import io.incidenttracker.launcher.DeliveryUnderFaultsTest.RunningSystemClient;
import io.incidenttracker.launcher.support.RunningSystem;
import io.incidenttracker.query.consuming.DeadLetterTopicPublisher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.incidenttracker.launcher.DeliveryUnderFaultsTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guarantees on a broker cluster with two command instances: three Kafka nodes, each a process of its own, and
 * two command services behind one (simulated) load balancer over the same event store. While commands flow through
 * both, the leader of a partition of the incident topic is killed with SIGKILL and started again, then the command
 * instance that publishes is stopped (its relay's lock goes with it) and started again, then the query service is
 * restarted. Afterwards every committed event is in the views exactly once, each incident's version equals the event
 * store's, the audit ledger holds every event once in a contiguous order, a rebuild gives the same digest, and the
 * measured takeover times are printed.
 * <p>
 * Not covered here (see docs/cluster.md): a command or query instance killed with SIGKILL (the services run inside
 * this JVM, so they stop rather than die) and two query instances.
 */
class ClusterFaultTest {

    static final String SUFFIX = System.getenv().getOrDefault("TEST_DB_SUFFIX", "");
    static final String TOPIC = "incident-events";
    /** Commands to send in all (the drill script sets it); 0: the suite's size, a few dozen between the faults. */
    static final int COMMANDS = Integer.getInteger("incident.cluster.commands", 0);
    static final int CLIENTS = Integer.getInteger("incident.cluster.clients", 2);
    static final Duration PHASE = Duration.ofSeconds(60 + COMMANDS / 20);

    static LocalDatabases.Database commandDatabase;
    static LocalDatabases.Database queryDatabase;
    static LocalStack stack;
    static ConfigurableApplicationContext secondCommand;
    static Path kafkaDirectory;

    @BeforeAll
    static void start() throws IOException {
        commandDatabase = LocalDatabases.command().withName("incident_cluster_command" + SUFFIX);
        queryDatabase = LocalDatabases.query().withName("incident_cluster_query" + SUFFIX);
        LocalDatabases.recreate(commandDatabase);
        LocalDatabases.recreate(queryDatabase);
        kafkaDirectory = Files.createTempDirectory("incident-cluster-kafka-");
        stack = LocalStack.start(new LocalStack.Settings()
                .kafka(kafkaDirectory, 0, 0)
                .brokers(3)
                .commandPort(0)
                .queryPort(0)
                .commandDatabase(commandDatabase)
                .queryDatabase(queryDatabase)
                .extraArguments(List.of("--spring.main.banner-mode=off",
                        "--incidenttracker.kafka.publisher.standby-poll=250ms")));
        secondCommand = stack.startAnotherCommandService();
    }

    @AfterAll
    static void stop() {
        if (secondCommand != null) {
            secondCommand.close();
        }
        if (stack != null) {
            stack.close();
        }
        for (Path directory : new Path[] {kafkaDirectory,
                kafkaDirectory.resolveSibling(kafkaDirectory.getFileName() + "-cluster")}) {
            org.springframework.util.FileSystemUtils.deleteRecursively(directory.toFile());
        }
    }

    @Test
    void everyAcceptedCommandIsProjectedOnceAfterABrokerACommandInstanceAndTheQueryServiceFailed() throws Exception {
        List<URI> instances = new CopyOnWriteArrayList<>(List.of(stack.commandUri(), uri(secondCommand)));
        Load load = new Load(instances);
        Thread[] workers = new Thread[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            workers[i] = new Thread(load, "load-" + (i + 1));
        }
        for (Thread worker : workers) {
            worker.start();
        }
        List<String> takeovers = new CopyOnWriteArrayList<>();
        Thread brokerBack = null;
        try {
            awaitAccepted(load, 1, 30);

            // 1. the leader of a partition of the incident topic dies
            int leader = stack.cluster().leaderOf(TOPIC, 0);
            Instant killed = Instant.now();
            stack.cluster().kill(leader);
            long brokerFailover = awaitPublishedAfter(killed);
            takeovers.add("broker node " + leader + " killed -> publication acknowledged again: " + brokerFailover
                    + " ms");
            Instant restarting = Instant.now();
            brokerBack = new Thread(() -> {
                stack.cluster().restart(leader);
                await().atMost(Duration.ofSeconds(240)).until(() -> stack.cluster().inSyncReplicas(TOPIC).values()
                        .stream().allMatch(isr -> isr == 3));
                takeovers.add("broker node " + leader + " restarted -> every partition has 3 in-sync replicas again: "
                        + Duration.between(restarting, Instant.now()).toMillis() + " ms");
            }, "broker-restart");
            brokerBack.start(); // the other faults go on meanwhile
            awaitAccepted(load, 2, load.accepted.get() + 20);

            // 2. the command instance that publishes goes away; the other takes the publication over
            boolean firstPublishes = relay(stack.commandContext()).status().leader();
            ConfigurableApplicationContext publishing = firstPublishes ? stack.commandContext() : secondCommand;
            ConfigurableApplicationContext standby = firstPublishes ? secondCommand : stack.commandContext();
            URI gone = uri(publishing);
            instances.remove(gone);
            Instant stopped = Instant.now();
            publishing.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> relay(standby).status().leader()
                    && publishedAfter(relay(standby), stopped));
            takeovers.add("publishing command instance stopped -> other instance published: "
                    + Duration.between(stopped, Instant.now()).toMillis() + " ms");
            if (firstPublishes) {
                stack.restartCommandService();
            } else {
                secondCommand = stack.startAnotherCommandService();
            }
            URI back = firstPublishes ? stack.commandUri() : uri(secondCommand);
            HttpResponse<String> opened = command(back, "/api/incidents", """
                    {"title":"Cluster drill","attackType":"MALWARE","severity":"LOW",
                     "detectedAt":"2023-08-30T06:15:00Z"}""");
            assertThat(opened.statusCode()).as("the instance that came back accepts commands").isEqualTo(201);
            instances.add(back);
            awaitAccepted(load, 3, load.accepted.get() + 20);

            // 3. the query service (all processors, the ledger writer among them) stops mid-stream and comes back
            stack.restartQueryService();
            awaitAccepted(load, 4, load.accepted.get() + 20);
        } finally {
            load.running.set(false);
            for (Thread worker : workers) {
                worker.join(60_000);
            }
            if (brokerBack != null) {
                brokerBack.join(300_000);
            }
        }
        takeovers.forEach(line -> System.out.println("TAKEOVER " + line));
        assertThat(takeovers).as("the killed broker came back").anyMatch(line -> line.contains("restarted"));
        Instant checking = Instant.now();

        Map<String, Long> committed = DeliveryUnderFaultsTest.committedVersions(commandDatabase);
        long events = committed.values().stream().mapToLong(v -> v + 1).sum();
        System.out.printf("cluster fault test: %d commands accepted, %d refused or unanswered (answers: %s), "
                + "%d incidents, %d events%n", load.accepted.get(), load.failed.get(), load.statuses, committed.size(),
                events);
        assertThat(load.statuses).as("requests that could not even be sent").doesNotContainKey(
                IllegalArgumentException.class.getSimpleName());
        for (String incident : load.incidents) {
            assertThat(committed).as("a 2xx open is committed").containsKey(incident);
        }
        await().atMost(PHASE.plusSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(projectedVersions(committed)).isEqualTo(committed));
        for (Map.Entry<String, Long> incident : committed.entrySet()) {
            JsonNode timeline = JSON.readTree(query("/api/incidents/" + incident.getKey() + "/timeline").body());
            List<Long> sequences = new ArrayList<>();
            timeline.forEach(entry -> sequences.add(entry.get("sequence").asLong()));
            assertThat(sequences).as("timeline of %s", incident.getKey()).hasSize((int) (incident.getValue() + 1))
                    .isSorted().doesNotHaveDuplicates();
        }
        await().atMost(PHASE).untilAsserted(() ->
                assertThat(ledger()).as("entries, distinct events, lowest and highest index")
                        .containsExactly(events, events, 0L, events - 1));

        assertReplicated(TOPIC, DeadLetterTopicPublisher.DEAD_LETTER_TOPIC, "incident-audit-checkpoints",
                "__transaction_state", "__consumer_offsets");

        String liveDigest = JSON.readTree(admin("/api/admin/projections", "GET").body()).get("digest").asText();
        assertThat(admin("/api/admin/projections/rebuild", "POST").statusCode()).isEqualTo(202);
        await().atMost(PHASE.plusSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(JSON.readTree(admin("/api/admin/projections", "GET").body()).get("digest").asText())
                        .isEqualTo(liveDigest));
        System.out.println("cluster fault test: checks and rebuild took "
                + Duration.between(checking, Instant.now()).toMillis() + " ms");
        System.out.println("CLUSTER DRILL PASSED: " + load.accepted.get() + " commands accepted, " + committed.size()
                + " incidents, " + events + " events, each once in every view and in the ledger; rebuild digest "
                + "equal; " + String.join("; ", takeovers));
    }

    /**
     * Waits for the load to reach the next fault: {@code suiteTarget} accepted commands in the suite, a quarter more
     * of {@link #COMMANDS} per phase in the drill.
     */
    private static void awaitAccepted(Load load, int phase, int suiteTarget) {
        int target = COMMANDS > 0 ? COMMANDS / 4 * phase : suiteTarget;
        await().atMost(PHASE).pollInterval(Duration.ofMillis(100)).until(() -> load.accepted.get() >= target);
    }

    /**
     * Three replicas and two in sync for a write: the incident topic, the dead letters, the checkpoints, and Kafka's
     * own offsets and transaction state (the offsets topic appears with the first consumer group: one is made here).
     */
    private static void assertReplicated(String... topics) throws Exception {
        Map<String, Object> consumer = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-fault-test",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> group = new KafkaConsumer<>(consumer)) {
            group.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(0)));
        }
        try (Admin admin = stack.cluster().admin()) {
            Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(topics)).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            List<ConfigResource> resources = Arrays.stream(topics)
                    .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
            for (String topic : topics) {
                assertThat(descriptions.get(topic).partitions()).as(topic)
                        .allSatisfy(partition -> assertThat(partition.replicas()).as(topic).hasSize(3));
                assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
                        .get("min.insync.replicas").value()).as(topic).isEqualTo("2");
            }
        }
    }

    /** Waits until a command instance's relay has a batch acknowledged after {@code since}; the milliseconds. */
    private static long awaitPublishedAfter(Instant since) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                publishedAfter(relay(stack.commandContext()), since) || publishedAfter(relay(secondCommand), since));
        return Duration.between(since, Instant.now()).toMillis();
    }

    private static boolean publishedAfter(PublicationRelay relay, Instant since) {
        Instant last = relay.status().lastPublishedAt();
        return last != null && last.isAfter(since);
    }

    private static PublicationRelay relay(ConfigurableApplicationContext context) {
        return context.getBean(PublicationRelay.class);
    }

    private static URI uri(ConfigurableApplicationContext context) {
        return URI.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());
    }

    /** Opens incidents and isolates systems through any live command instance, keeping every 2xx answer. */
    static final class Load implements Runnable {
        final List<URI> instances;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final Map<String, AtomicInteger> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> incidents = new CopyOnWriteArrayList<>();

        Load(List<URI> instances) {
            this.instances = instances;
        }

        @Override
        public void run() {
            int n = 0;
            while (running.get()) {
                n++;
                URI instance = instances.get(ThreadLocalRandom.current().nextInt(instances.size()));
                try {
                    HttpResponse<String> answer;
                    if (incidents.size() < 4 || ThreadLocalRandom.current().nextInt(5) == 0) {
                        String id = UUID.randomUUID().toString();
                        answer = command(instance, "/api/incidents", """
                                {"incidentId":"%s","title":"Cluster drill","attackType":"MALWARE","severity":"LOW",
                                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id));
                        if (answer.statusCode() == 201) {
                            incidents.add(id);
                        }
                    } else {
                        String id = incidents.get(ThreadLocalRandom.current().nextInt(incidents.size()));
                        answer = command(instance, "/api/incidents/" + id + "/systems/host-"
                                + Thread.currentThread().getName() + "-" + n + "/isolation",
                                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}");
                    }
                    (answer.statusCode() / 100 == 2 ? accepted : failed).incrementAndGet();
                    statuses.computeIfAbsent(Integer.toString(answer.statusCode()), k -> new AtomicInteger()).incrementAndGet();
                } catch (RuntimeException e) {
                    failed.incrementAndGet(); // an instance going away: the answer is unknown
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    statuses.computeIfAbsent(cause.getClass().getSimpleName(), k -> new AtomicInteger())
                            .incrementAndGet();
                    DeliveryUnderFaultsTest.sleep(50);
                }
            }
        }
    }

    static HttpResponse<String> command(URI instance, String path, String json) {
        return new RunningSystemClient().send(RunningSystem.post(instance, path, "responder", json, Map.of()));
    }

    static HttpResponse<String> query(String path) {
        return new RunningSystemClient().send(RunningSystem.get(stack.queryUri(), path, "viewer"));
    }

    static HttpResponse<String> admin(String path, String method) {
        var request = java.net.http.HttpRequest.newBuilder(stack.queryUri().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", RunningSystem.basicAuth("admin", "admin"))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                .build();
        return new RunningSystemClient().send(request);
    }

    static Map<String, Long> projectedVersions(Map<String, Long> committed) throws IOException {
        Map<String, Long> versions = new HashMap<>();
        for (String id : committed.keySet()) {
            HttpResponse<String> answer = query("/api/incidents/" + id);
            if (answer.statusCode() == 200) {
                versions.put(id, JSON.readTree(answer.body()).get("version").asLong());
            }
        }
        return versions;
    }

    /** Entries, distinct event ids, lowest and highest index of the audit ledger. */
    static List<Long> ledger() throws SQLException {
        try (Connection connection = DriverManager.getConnection(queryDatabase.url(), queryDatabase.user(),
                queryDatabase.password());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*), count(DISTINCT event_id), "
                     + "coalesce(min(ledger_index), -1), coalesce(max(ledger_index), -1) FROM audit_entry")) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        }
    }
}
