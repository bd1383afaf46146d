package io.incidenttracker.query.live;

import io.incidenttracker.testsupport.PublishedApi;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events client as a browser's EventSource reads a stream: lines parsed into events (id, event name,
 * data), comments counted. A real HTTP/1.1 connection; {@link #close()} drops it the way a closed tab does.
 */
final class SseClient implements AutoCloseable {

    /** One event as the client saw it. */
    record Event(String id, String name, String data) {
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    volatile int comments;

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    /** Opens a stream as the user (the password is the name; null sends no credentials). */
    static SseClient open(int port, String pathAndQuery, String user, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + pathAndQuery))
                .header("Accept", "text/event-stream").GET();
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        }
        headers.forEach(request::header);
        return new SseClient(PublishedApi.check(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines()),
                null));
    }

    static SseClient open(int port, String pathAndQuery, String user) throws Exception {
        return open(port, pathAndQuery, user, Map.of());
    }

    int status() {
        return response.statusCode();
    }

    private void read() {
        if (response.statusCode() != 200) {
            return;
        }
        String id = null;
        String name = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(5).strip());
                }
            }
        } catch (RuntimeException e) {
            // closed
        }
    }

    /** The next event, or null after the timeout. */
    Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next {@code count} events; fails when they do not come within the timeout. */
    List<Event> take(int count, Duration timeout) throws InterruptedException {
        List<Event> taken = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.size() < count) {
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("Got " + taken.size() + " of " + count + " events within " + timeout
                        + ": " + taken);
            }
            taken.add(event);
        }
        return taken;
    }

    /** What arrived so far and was not taken. */
    List<Event> drain() {
        List<Event> drained = new ArrayList<>();
        events.drainTo(drained);
        return drained;
    }

    boolean ended() {
        return !reader.isAlive();
    }

    @Override
    public void close() {
        reader.interrupt();
        response.body().close();
    }
}
