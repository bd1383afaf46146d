package io.incidenttracker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.launcher.support.RunningSystem;
import io.incidenttracker.testsupport.PublishedApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarantees 2, 3 and 5 under faults, with a real broker and real PostgreSQL: a stream of commands runs while the
 * broker is stopped and started again, the query service restarts and the command service restarts. Afterwards every
 * committed event is in the views exactly once, every command answered 2xx shows, and a rebuild from the topic gives
 * the same digest.
 */
class DeliveryUnderFaultsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SUFFIX = System.getenv().getOrDefault("TEST_DB_SUFFIX", "");

    static Path kafkaDirectory;
    static LocalDatabases.Database commandDatabase;
    static LocalDatabases.Database queryDatabase;
    static LocalStack stack;

    @BeforeAll
    static void start() throws IOException {
        commandDatabase = LocalDatabases.command().withName("incident_fault_command" + SUFFIX);
        queryDatabase = LocalDatabases.query().withName("incident_fault_query" + SUFFIX);
        LocalDatabases.recreate(commandDatabase);
        LocalDatabases.recreate(queryDatabase);
        kafkaDirectory = Files.createTempDirectory("incident-fault-kafka-");
        stack = LocalStack.start(new LocalStack.Settings()
                .kafka(kafkaDirectory, 0, 0)
                .commandPort(0)
                .queryPort(0)
                .commandDatabase(commandDatabase)
                .queryDatabase(queryDatabase)
                .extraArguments(List.of("--spring.main.banner-mode=off")));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAcceptedCommandIsProjectedExactlyOnceAfterBrokerQueryAndCommandRestarts() throws Exception {
        Load load = new Load();
        Thread[] workers = {new Thread(load, "load-1"), new Thread(load, "load-2")};
        for (Thread worker : workers) {
            worker.start();
        }
        try {
            Thread.sleep(2_000);
            stack.stopBroker();
            int beforeOutage = load.accepted.get();
            Thread.sleep(5_000);
            int duringOutage = load.accepted.get() - beforeOutage;
            stack.startBroker();
            Thread.sleep(3_000);
            stack.restartQueryService();
            Thread.sleep(3_000);
            stack.restartCommandService();
            Thread.sleep(3_000);
            System.out.printf("fault drill: %d commands accepted while the broker was down%n", duringOutage);
            assertThat(duringOutage).as("commands accepted while the broker was down").isPositive();
        } finally {
            load.running.set(false);
            for (Thread worker : workers) {
                worker.join(60_000);
            }
        }
        assertThat(load.accepted.get()).isGreaterThan(20);

        Map<String, Long> committed = committedVersions(commandDatabase);
        assertThat(committed).isNotEmpty();
        System.out.printf("fault drill: %d commands accepted, %d incidents, %d events committed%n", load.accepted.get(),
                committed.size(), committed.values().stream().mapToLong(v -> v + 1).sum());
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(projectedVersions(committed.keySet())).isEqualTo(committed));

        for (Map.Entry<String, Long> incident : committed.entrySet()) {
            JsonNode timeline = JSON.readTree(query("/api/incidents/" + incident.getKey() + "/timeline").body());
            List<Long> sequences = new ArrayList<>();
            timeline.forEach(entry -> sequences.add(entry.get("sequence").asLong()));
            assertThat(sequences).as("timeline of %s", incident.getKey()).hasSize((int) (incident.getValue() + 1));
            for (int i = 0; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).isEqualTo(i);
            }
        }
        for (Map.Entry<String, Set<String>> isolations : load.isolated.entrySet()) {
            JsonNode detail = JSON.readTree(query("/api/incidents/" + isolations.getKey()).body());
            List<String> isolated = new ArrayList<>();
            detail.get("systems").forEach(system -> {
                if (!"AFFECTED".equals(system.get("state").asText())) {
                    isolated.add(system.get("systemId").asText());
                }
            });
            assertThat(isolated).containsAll(isolations.getValue());
        }

        String liveDigest = JSON.readTree(admin("/api/admin/projections", "GET").body()).get("digest").asText();
        assertThat(admin("/api/admin/projections/rebuild", "POST").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode status = JSON.readTree(admin("/api/admin/projections", "GET").body());
            assertThat(status.get("digest").asText()).isEqualTo(liveDigest);
        });
    }

    /** Opens incidents and isolates systems on them, from several threads, keeping every 2xx answer. */
    static final class Load implements Runnable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger accepted = new AtomicInteger();
        final List<String> incidents = new CopyOnWriteArrayList<>();
        final Map<String, Set<String>> isolated = new ConcurrentHashMap<>();

        @Override
        public void run() {
            int n = 0;
            while (running.get()) {
                n++;
                try {
                    if (incidents.size() < 3 || ThreadLocalRandom.current().nextInt(5) == 0) {
                        String id = UUID.randomUUID().toString();
                        HttpResponse<String> answer = command("/api/incidents", """
                                {"incidentId":"%s","title":"Fault drill","attackType":"MALWARE","severity":"LOW",
                                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id));
                        if (answer.statusCode() == 201) {
                            incidents.add(id);
                            accepted.incrementAndGet();
                        }
                    } else {
                        String id = incidents.get(ThreadLocalRandom.current().nextInt(incidents.size()));
                        String system = "host-" + Thread.currentThread().getName() + "-" + n;
                        HttpResponse<String> answer = command("/api/incidents/" + id + "/systems/" + system
                                + "/isolation", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}");
                        if (answer.statusCode() == 200) {
                            isolated.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(system);
                            accepted.incrementAndGet();
                        }
                    }
                } catch (RuntimeException e) {
                    // the command service is restarting: the answer is unknown, so nothing is counted
                    sleep(100);
                }
            }
        }
    }

    static HttpResponse<String> command(String path, String json) {
        return new RunningSystemClient().send(RunningSystem.post(stack.commandUri(), path, "responder", json,
                Map.of()));
    }

    static HttpResponse<String> query(String path) {
        return new RunningSystemClient().send(RunningSystem.get(stack.queryUri(), path, "viewer"));
    }

    static HttpResponse<String> admin(String path, String method) {
        URI uri = stack.queryUri().resolve(path);
        var request = java.net.http.HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", RunningSystem.basicAuth("admin", "admin"))
                .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                .build();
        return new RunningSystemClient().send(request);
    }

    /** The last sequence number of every incident in the event store: what the views must reach. */
    static Map<String, Long> committedVersions(LocalDatabases.Database commandDatabase) {
        Map<String, Long> versions = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(commandDatabase.url(), commandDatabase.user(),
                commandDatabase.password());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT aggregate_identifier, max(sequence_number) "
                     + "FROM domain_event_entry GROUP BY aggregate_identifier")) {
            while (rs.next()) {
                versions.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return versions;
    }

    static Map<String, Long> projectedVersions(Set<String> incidents) throws IOException {
        Map<String, Long> versions = new HashMap<>();
        for (String id : incidents) {
            HttpResponse<String> answer = query("/api/incidents/" + id);
            if (answer.statusCode() == 200) {
                versions.put(id, JSON.readTree(answer.body()).get("version").asLong());
            }
        }
        return versions;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A plain HTTP client with short timeouts, so that a restarting service does not stall the load. */
    static final class RunningSystemClient {
        private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2)).build();

        HttpResponse<String> send(java.net.http.HttpRequest request) {
            try {
                HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
                return PublishedApi.check(response, response.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
