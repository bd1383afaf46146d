package io.incidenttracker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.command.publishing.PublicationRelay;
import io.incidenttracker.launcher.DeliveryUnderFaultsTest.RunningSystemClient;
import io.incidenttracker.launcher.support.RunningSystem;
import io.incidenttracker.query.consuming.DeadLetterTopicPublisher;
import io.incidenttracker.query.consuming.ProcessorBalance;
import io.incidenttracker.query.consuming.Processors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import java.util.concurrent.atomic.AtomicReference;

import static io.incidenttracker.launcher.DeliveryUnderFaultsTest.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guarantees on a broker cluster with two command instances and two query instances: three Kafka nodes, each a
 * process of its own, two command services behind one (simulated) load balancer over the same event store, one in this
 * JVM and one a process of its own, and two query services over the same query database, likewise one in this JVM and
 * one a process of its own. The query instances split the processors between them. While commands flow through both
 * command instances: the leader of a partition of the incident topic is killed with SIGKILL and started again; the
 * command process is made the instance that publishes and is killed with SIGKILL (its relay's lock goes with its
 * database session), the instance in this JVM takes the publication over, and the process is started again; the query
 * process is killed with SIGKILL while it applies the status projection, and started again; then it is made the audit
 * ledger's writer and killed with SIGKILL, and the other instance's next ledger entry is waited for. Afterwards every
 * committed event is in the views exactly once (read from both query instances), each incident's version equals the
 * event store's, the audit ledger holds every event once in a contiguous order, a rebuild gives the same digest, and
 * the measured takeover times are printed.
 */
class ClusterFaultTest {

    static final String SUFFIX = System.getenv().getOrDefault("TEST_DB_SUFFIX", "");
    static final String TOPIC = "incident-events";
    /** Commands to send in all (the drill script sets it); 0: the suite's size, a few dozen between the faults. */
    static final int COMMANDS = Integer.getInteger("incident.cluster.commands", 0);
    static final int CLIENTS = Integer.getInteger("incident.cluster.clients", 2);
    static final Duration PHASE = Duration.ofSeconds(60 + COMMANDS / 20);
    /** Faults after which the load goes on for a while; the drill spreads its commands over them. */
    static final int PHASES = 5;
    /** The query instances' claim timeout and claim interval here: a killed instance's claims lapse after 5 s. */
    static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(5);
    static final Duration CLAIM_INTERVAL = Duration.ofSeconds(1);
    /** The query process's instance id, as the owner of its claims. */
    static final String QUERY_PROCESS = "query-process";
    /** Its output, of every start in one run. */
    static final Path QUERY_PROCESS_LOG = Path.of("target", "cluster-query-process.log");
    /** The command process's output, of every start in one run. */
    static final Path COMMAND_PROCESS_LOG = Path.of("target", "cluster-command-process.log");
    /** How long a service process may take to answer: a start on the loaded two-core machine took 248 s once. */
    static final Duration PROCESS_START = Duration.ofSeconds(480);
    /** Reads the command process's health, polled while it may be gone. */
    static final java.net.http.HttpClient HEALTH = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();
    static final List<String> PROCESSORS = List.of(Processors.INCIDENT_PROJECTION, Processors.AUDIT_LEDGER,
            Processors.INCIDENT_HISTORY, Processors.WEBHOOK_OUTBOX);

    static LocalDatabases.Database commandDatabase;
    static LocalDatabases.Database queryDatabase;
    static LocalStack stack;
    /** The second command instance, a process; replaced by the background thread that starts it again. */
    static volatile ServiceProcess secondCommand;
    static int secondCommandPort;
    static ServiceProcess secondQuery;
    static int secondQueryPort;
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
                .extraArguments(serviceArguments()));
        secondCommandPort = FreePorts.pick();
        secondQueryPort = FreePorts.pick(secondCommandPort);
        Files.deleteIfExists(COMMAND_PROCESS_LOG);
        Files.deleteIfExists(QUERY_PROCESS_LOG);
        // both processes start side by side
        secondCommand = stack.startCommandServiceProcess(secondCommandPort, COMMAND_PROCESS_LOG);
        secondQuery = startQueryProcess();
        secondCommand.awaitAnswering(PROCESS_START);
    }

    static List<String> serviceArguments() {
        List<String> arguments = new ArrayList<>(List.of("--spring.main.banner-mode=off",
                "--incidenttracker.kafka.publisher.standby-poll=250ms",
                "--axon.eventhandling.tokenstore.claim-timeout=" + CLAIM_TIMEOUT.toMillis() + "ms",
                "--incident-query.processors.balance-interval=1s"));
        for (String processor : PROCESSORS) {
            arguments.add("--axon.eventhandling.processors." + processor + ".token-claim-interval="
                    + CLAIM_INTERVAL.toMillis());
        }
        return arguments;
    }

    /**
     * The second query instance, a process of its own on its port, its log in target/. A start on a loaded two-core
     * machine took 248 s once (load average 85), hence the limit.
     */
    static ServiceProcess startQueryProcess() {
        return stack.startQueryServiceProcess(secondQueryPort, QUERY_PROCESS_LOG,
                "--incident-query.processors.instance-id=" + QUERY_PROCESS).awaitAnswering(PROCESS_START);
    }

    @AfterAll
    static void stop() {
        if (secondQuery != null) {
            secondQuery.close();
        }
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
    void everyAcceptedCommandIsProjectedOnceAfterABrokerACommandInstanceAQueryInstanceAndTheLedgerWriterFailed()
            throws Exception {
        List<URI> instances = new CopyOnWriteArrayList<>(List.of(stack.commandUri(), secondCommand.uri()));
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
        Thread commandBack = null;
        AtomicReference<Throwable> commandBackFailure = new AtomicReference<>();
        try {
            awaitAccepted(load, 1, 30);

            // 0. the query instances split the processors: two each
            String inJvm = inJvmQueryInstance();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    claimedBy(QUERY_PROCESS).size() == 2 && claimedBy(inJvm).size() == 2);
            System.out.println("cluster fault test: processors of the query process " + claimedBy(QUERY_PROCESS)
                    + ", of the query instance in this JVM " + claimedBy(inJvm));

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

            // 2. the command process publishes and dies (SIGKILL) under load; the instance in this JVM takes the
            // publication over once the process's database session, and with it the relay's lock, is gone; the process
            // is started again in the background and rejoins the load once it accepts a command
            handOverPublicationToCommandProcess();
            PublicationRelay standby = relay(stack.commandContext());
            URI gone = secondCommand.uri();
            instances.remove(gone);
            Instant commandKilled = Instant.now();
            secondCommand.kill();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() ->
                    standby.status().leader() && publishedAfter(standby, commandKilled));
            Duration publicationTakeover = Duration.between(commandKilled, Instant.now());
            takeovers.add("publishing command instance killed (SIGKILL) -> other instance published: "
                    + publicationTakeover.toMillis() + " ms");
            assertThat(publicationTakeover).as("the publication's takeover after the publishing instance was killed")
                    .isLessThan(Duration.ofSeconds(30));
            Instant commandRestarting = Instant.now();
            commandBack = new Thread(() -> {
                try {
                    // on the port it had: the load balancer's address of the instance stays
                    ServiceProcess restarted = stack.startCommandServiceProcess(secondCommandPort,
                            COMMAND_PROCESS_LOG);
                    secondCommand = restarted; // stopped after the test even if it never answers
                    restarted.awaitAnswering(PROCESS_START);
                    HttpResponse<String> opened = command(gone, "/api/incidents", """
                            {"title":"Cluster drill","attackType":"MALWARE","severity":"LOW",
                             "detectedAt":"2023-08-30T06:15:00Z"}""");
                    assertThat(opened.statusCode()).as("the command process that came back accepts commands")
                            .isEqualTo(201);
                    instances.add(gone);
                    takeovers.add("command instance restarted -> answering and accepting commands: "
                            + Duration.between(commandRestarting, Instant.now()).toMillis() + " ms");
                } catch (Throwable e) {
                    commandBackFailure.set(e);
                }
            }, "command-restart");
            commandBack.start(); // the other faults go on meanwhile
            awaitAccepted(load, 3, load.accepted.get() + 20);

            // 3. the query process dies (SIGKILL) while it applies the status projection under load; the other
            // instance takes its processors over when their claims lapse; the process comes back and gets its share
            moveToQueryProcess(Processors.INCIDENT_PROJECTION);
            List<String> held = claimedBy(QUERY_PROCESS);
            Instant queryKilled = Instant.now();
            secondQuery.kill();
            await().atMost(CLAIM_TIMEOUT.plusSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> claimedBy(inJvm).containsAll(held));
            takeovers.add("query instance killed (SIGKILL) while applying " + held + " -> the other instance holds "
                    + "them: " + Duration.between(queryKilled, Instant.now()).toMillis() + " ms");
            Instant queryRestarting = Instant.now();
            secondQuery = startQueryProcess();
            await().atMost(Duration.ofSeconds(60)).until(() -> claimedBy(QUERY_PROCESS).size() == 2
                    && claimedBy(inJvm).size() == 2);
            takeovers.add("query instance restarted -> answering and holding its share of the processors: "
                    + Duration.between(queryRestarting, Instant.now()).toMillis() + " ms");
            awaitAccepted(load, 4, load.accepted.get() + 20);

            // 4. the audit ledger's writer dies (SIGKILL); the other instance appends the next entry
            moveToQueryProcess(Processors.AUDIT_LEDGER);
            Instant ledgerKilled = Instant.now();
            secondQuery.kill();
            long lastIndex = ledger().get(3);
            await().atMost(CLAIM_TIMEOUT.plusSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> inJvm.equals(owner(Processors.AUDIT_LEDGER)) && ledger().get(3) > lastIndex);
            Duration ledgerTakeover = Duration.between(ledgerKilled, Instant.now());
            takeovers.add("audit ledger writer killed (SIGKILL) -> the other instance appended entry "
                    + (lastIndex + 1) + ": " + ledgerTakeover.toMillis() + " ms");
            assertThat(ledgerTakeover).as("the ledger's takeover is bounded by the claim timeout (with room for a "
                    + "loaded machine)").isLessThan(CLAIM_TIMEOUT.plus(CLAIM_INTERVAL).plusSeconds(30));
            secondQuery = startQueryProcess();
            awaitAccepted(load, 5, load.accepted.get() + 20);
        } finally {
            load.running.set(false);
            for (Thread worker : workers) {
                worker.join(60_000);
            }
            if (brokerBack != null) {
                brokerBack.join(300_000);
            }
            if (commandBack != null) {
                commandBack.join(PROCESS_START.plusSeconds(60).toMillis());
            }
        }
        takeovers.forEach(line -> System.out.println("TAKEOVER " + line));
        assertThat(takeovers).as("the killed broker came back").anyMatch(line -> line.startsWith("broker node")
                && line.contains("restarted"));
        if (commandBackFailure.get() != null) {
            throw new AssertionError("the killed command process did not come back", commandBackFailure.get());
        }
        assertThat(takeovers).as("the killed command process came back")
                .anyMatch(line -> line.startsWith("command instance restarted"));
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
        List<URI> queryInstances = List.of(stack.queryUri(), secondQuery.uri());
        for (URI instance : queryInstances) {
            await().atMost(PHASE.plusSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(projectedVersions(instance, committed)).as("versions read from %s", instance)
                            .isEqualTo(committed));
        }
        for (Map.Entry<String, Long> incident : committed.entrySet()) {
            List<List<Long>> timelines = new ArrayList<>();
            for (URI instance : queryInstances) {
                JsonNode timeline = JSON.readTree(query(instance, "/api/incidents/" + incident.getKey()
                        + "/timeline").body());
                List<Long> sequences = new ArrayList<>();
                timeline.forEach(entry -> sequences.add(entry.get("sequence").asLong()));
                assertThat(sequences).as("timeline of %s from %s", incident.getKey(), instance)
                        .hasSize((int) (incident.getValue() + 1)).isSorted().doesNotHaveDuplicates();
                timelines.add(sequences);
            }
            assertThat(timelines.get(1)).as("both instances answer alike").isEqualTo(timelines.get(0));
        }
        await().atMost(PHASE).untilAsserted(() ->
                assertThat(ledger()).as("entries, distinct events, lowest and highest index")
                        .containsExactly(events, events, 0L, events - 1));

        assertReplicated(TOPIC, DeadLetterTopicPublisher.DEAD_LETTER_TOPIC, "incident-audit-checkpoints",
                "__transaction_state", "__consumer_offsets");

        String liveDigest = digest(stack.queryUri());
        assertThat(digest(secondQuery.uri())).as("both instances read one database").isEqualTo(liveDigest);
        // the rebuild restarts the projection's processor from the start of the topic: on the instance applying it;
        // the other refuses it (409) and changes nothing, as does the one asked if the claim moved in the meantime
        URI projecting = QUERY_PROCESS.equals(owner(Processors.INCIDENT_PROJECTION)) ? secondQuery.uri()
                : stack.queryUri();
        URI other = projecting.equals(secondQuery.uri()) ? stack.queryUri() : secondQuery.uri();
        HttpResponse<String> refused = admin(other, "/api/admin/projections/rebuild", "POST");
        HttpResponse<String> rebuilt = admin(projecting, "/api/admin/projections/rebuild", "POST");
        if (rebuilt.statusCode() == 409) {
            URI asked = projecting;
            projecting = other;
            other = asked;
            rebuilt = admin(projecting, "/api/admin/projections/rebuild", "POST");
        } else {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
            assertThat(refused.body()).contains("projection-applied-elsewhere");
        }
        assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(202);
        URI rebuilding = projecting;
        await().atMost(PHASE.plusSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(digest(rebuilding)).isEqualTo(liveDigest));
        System.out.println("cluster fault test: checks and rebuild took "
                + Duration.between(checking, Instant.now()).toMillis() + " ms");
        System.out.println("CLUSTER DRILL PASSED: " + load.accepted.get() + " commands accepted, " + committed.size()
                + " incidents, " + events + " events, each once in every view and in the ledger; rebuild digest "
                + "equal; " + String.join("; ", takeovers));
    }

    /**
     * Waits for the load to reach the next fault: {@code suiteTarget} accepted commands in the suite, a
     * {@link #PHASES}th more of {@link #COMMANDS} per phase in the drill.
     */
    private static void awaitAccepted(Load load, int phase, int suiteTarget) {
        int target = COMMANDS > 0 ? COMMANDS / PHASES * phase : suiteTarget;
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
                publishedAfter(relay(stack.commandContext()), since) || commandProcessPublishedAfter(since));
        return Duration.between(since, Instant.now()).toMillis();
    }

    /**
     * Makes the command process the instance that publishes: the relay in this JVM stops (it lets go of the lock) until
     * the process's relay, standing by, has taken the lock, then starts again and stands by in turn. Again if the lock
     * came back meanwhile (a relay whose batch failed lets it go). Returns once the process, leading, has had a batch
     * acknowledged.
     */
    private static void handOverPublicationToCommandProcess() {
        PublicationRelay inJvm = relay(stack.commandContext());
        Instant since = Instant.now();
        for (int attempt = 1; !commandProcessLeads() || inJvm.status().leader(); attempt++) {
            assertThat(attempt).as("attempts to make the command process publish").isLessThanOrEqualTo(3);
            System.out.println("cluster fault test: handing the publication over to the command process");
            inJvm.stop();
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(ClusterFaultTest::commandProcessLeads);
            } finally {
                inJvm.start();
            }
            DeliveryUnderFaultsTest.sleep(1_000); // the relay here tries the lock and stands by
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                commandProcessLeads() && commandProcessPublishedAfter(since) && !inJvm.status().leader());
        System.out.println("cluster fault test: the command process publishes: " + commandProcessPublication());
    }

    private static boolean commandProcessLeads() {
        JsonNode publication = commandProcessPublication();
        return publication != null && publication.path("leader").asBoolean(false);
    }

    private static boolean commandProcessPublishedAfter(Instant since) {
        JsonNode publication = commandProcessPublication();
        return publication != null && publication.hasNonNull("lastPublishedAt")
                && Instant.parse(publication.get("lastPublishedAt").asText()).isAfter(since);
    }

    /**
     * The command process's relay as its health shows it to an admin ({@code /actuator/health/publication}: leader,
     * position, lastPublishedAt, ...); null while the process does not answer.
     */
    private static JsonNode commandProcessPublication() {
        var request = java.net.http.HttpRequest.newBuilder(secondCommand.uri().resolve("/actuator/health/publication"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", RunningSystem.basicAuth("admin", "admin"))
                .GET().build();
        try {
            HttpResponse<String> answer = HEALTH.send(request, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? JSON.readTree(answer.body()).path("details") : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static boolean publishedAfter(PublicationRelay relay, Instant since) {
        Instant last = relay.status().lastPublishedAt();
        return last != null && last.isAfter(since);
    }

    private static PublicationRelay relay(ConfigurableApplicationContext context) {
        return context.getBean(PublicationRelay.class);
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

    static HttpResponse<String> query(URI instance, String path) {
        return new RunningSystemClient().send(RunningSystem.get(instance, path, "viewer"));
    }

    static String digest(URI instance) throws IOException {
        return JSON.readTree(admin(instance, "/api/admin/projections", "GET").body()).get("digest").asText();
    }

    static HttpResponse<String> admin(URI instance, String path, String method) {
        var request = java.net.http.HttpRequest.newBuilder(instance.resolve(path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", RunningSystem.basicAuth("admin", "admin"))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                .build();
        return new RunningSystemClient().send(request);
    }

    static Map<String, Long> projectedVersions(URI instance, Map<String, Long> committed) throws IOException {
        Map<String, Long> versions = new HashMap<>();
        for (String id : committed.keySet()) {
            HttpResponse<String> answer = query(instance, "/api/incidents/" + id);
            if (answer.statusCode() == 200) {
                versions.put(id, JSON.readTree(answer.body()).get("version").asLong());
            }
        }
        return versions;
    }

    /** The in-JVM query instance's id as the owner of its claims. */
    static String inJvmQueryInstance() {
        return stack.queryContext().getBean(ProcessorBalance.class).instanceId();
    }

    /**
     * Has the in-JVM instance release {@code processor}'s claim (for a while) and waits until the query process holds
     * it; that process may then release another processor of its own, which the in-JVM instance claims.
     */
    static void moveToQueryProcess(String processor) throws SQLException {
        TrackingEventProcessor inJvm = stack.queryContext().getBean(EventProcessingConfiguration.class)
                .eventProcessor(processor, TrackingEventProcessor.class).orElseThrow();
        if (!QUERY_PROCESS.equals(owner(processor))) {
            inJvm.releaseSegment(0, 60, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> QUERY_PROCESS.equals(owner(processor)) && claimedBy(QUERY_PROCESS).size() == 2);
        inJvm.releaseSegment(0, 0, TimeUnit.SECONDS); // may claim it again: a takeover is bounded by the claim only
    }

    /** The owner of segment 0 of a processor's claim; null while unclaimed. */
    static String owner(String processor) throws SQLException {
        try (Connection connection = DriverManager.getConnection(queryDatabase.url(), queryDatabase.user(),
                queryDatabase.password());
             var statement = connection.prepareStatement(
                     "SELECT owner FROM token_entry WHERE processor_name = ? AND segment = 0")) {
            statement.setString(1, processor);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The processors whose claim {@code instance} holds, in name order. */
    static List<String> claimedBy(String instance) throws SQLException {
        try (Connection connection = DriverManager.getConnection(queryDatabase.url(), queryDatabase.user(),
                queryDatabase.password());
             var statement = connection.prepareStatement(
                     "SELECT processor_name FROM token_entry WHERE owner = ? ORDER BY processor_name")) {
            statement.setString(1, instance);
            List<String> processors = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    processors.add(rs.getString(1));
                }
            }
            return processors;
        }
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
