package io.incidenttracker.launcher.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.incidenttracker.launcher.LocalDatabases;
import io.incidenttracker.launcher.LocalStack;
import io.incidenttracker.testsupport.PublishedApi;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole system for end-to-end tests: one Kafka broker on free ports and both services on random HTTP ports, in
 * this JVM, against the databases {@code incident_e2e_command} and {@code incident_e2e_query} (each with
 * {@code TEST_DB_SUFFIX} appended when it is set). Both databases are
 * dropped and created empty before the services start, so every run begins from nothing; the broker's data lives in
 * a temporary directory that is deleted on close.
 *
 * <p>The databases are on the server that {@code INCIDENT_COMMAND_DB_URL} / {@code INCIDENT_QUERY_DB_URL} name
 * (default {@code localhost:5432}), with the same users and passwords.
 *
 * <p>Tests get the one shared instance through {@link EndToEndExtension}. Incidents created by one test stay visible
 * to the others: use fresh ids and look only at your own incidents.
 */
public final class RunningSystem implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    /** Appended to both database names, so that two checkouts can run their end-to-end tests on one server. */
    public static final String DATABASE_SUFFIX = System.getenv().getOrDefault("TEST_DB_SUFFIX", "");
    public static final String COMMAND_DATABASE = "incident_e2e_command" + DATABASE_SUFFIX;
    public static final String QUERY_DATABASE = "incident_e2e_query" + DATABASE_SUFFIX;
    public static final List<String> USERS = List.of("responder", "viewer", "auditor", "admin");

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final LocalStack stack;
    private final Path kafkaDirectory;
    private final LocalDatabases.Database commandDatabase;
    private final LocalDatabases.Database queryDatabase;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningSystem(LocalStack stack, Path kafkaDirectory, LocalDatabases.Database commandDatabase,
                          LocalDatabases.Database queryDatabase) {
        this.stack = stack;
        this.kafkaDirectory = kafkaDirectory;
        this.commandDatabase = commandDatabase;
        this.queryDatabase = queryDatabase;
    }

    /** Recreates both databases empty, then starts the broker, the command service and the query service. */
    public static RunningSystem start(List<String> extraServiceArguments) {
        LocalDatabases.Database commandDatabase = LocalDatabases.command().withName(COMMAND_DATABASE);
        LocalDatabases.Database queryDatabase = LocalDatabases.query().withName(QUERY_DATABASE);
        LocalDatabases.recreate(commandDatabase);
        LocalDatabases.recreate(queryDatabase);
        Path kafkaDirectory;
        try {
            kafkaDirectory = Files.createTempDirectory("incident-e2e-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            LocalStack stack = LocalStack.start(new LocalStack.Settings()
                    .kafka(kafkaDirectory, 0, 0)
                    .commandPort(0)
                    .queryPort(0)
                    .commandDatabase(commandDatabase)
                    .queryDatabase(queryDatabase)
                    .extraArguments(extraServiceArguments));
            return new RunningSystem(stack, kafkaDirectory, commandDatabase, queryDatabase);
        } catch (RuntimeException | Error e) {
            deleteRecursively(kafkaDirectory);
            throw e;
        }
    }

    public URI commandUri() {
        return stack.commandUri();
    }

    public URI queryUri() {
        return stack.queryUri();
    }

    /**
     * Stops the query service, runs {@code whileStopped} (commands still go to the command service), then starts
     * the query service again on the same port. Other test classes share this system: they see it running again.
     */
    public void restartQueryService(Runnable whileStopped) {
        stack.restartQueryService(whileStopped);
    }

    public String bootstrapServers() {
        return stack.broker().bootstrapServers();
    }

    public ConfigurableApplicationContext commandContext() {
        return stack.commandContext();
    }

    public ConfigurableApplicationContext queryContext() {
        return stack.queryContext();
    }

    public LocalDatabases.Database commandDatabase() {
        return commandDatabase;
    }

    public LocalDatabases.Database queryDatabase() {
        return queryDatabase;
    }

    /** A request to the command service as {@code user} (password = user name), JSON body. */
    public HttpResponse<String> postCommand(String path, String user, String json) {
        return send(post(commandUri(), path, user, json, Map.of()));
    }

    /** Like {@link #postCommand(String, String, String)}, with extra headers such as If-Match or Idempotency-Key. */
    public HttpResponse<String> postCommand(String path, String user, String json, Map<String, String> headers) {
        return send(post(commandUri(), path, user, json, headers));
    }

    /** A GET to the query service as {@code user}. */
    public HttpResponse<String> getQuery(String path, String user) {
        return send(get(queryUri(), path, user));
    }

    /** A GET to the command service as {@code user}. */
    public HttpResponse<String> getCommand(String path, String user) {
        return send(get(commandUri(), path, user));
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return PublishedApi.check(response, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public static HttpRequest post(URI base, String path, String user, String json, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (user != null) {
            builder.header("Authorization", basicAuth(user, user));
        }
        headers.forEach(builder::header);
        return builder.build();
    }

    public static HttpRequest get(URI base, String path, String user) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json")
                .GET();
        if (user != null) {
            builder.header("Authorization", basicAuth(user, user));
        }
        return builder.build();
    }

    public static String basicAuth(String user, String password) {
        String token = user + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    /** Stops the query service, the command service and the broker, then deletes the broker's data. */
    @Override
    public void close() {
        try {
            stack.close();
        } finally {
            deleteRecursively(kafkaDirectory);
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
