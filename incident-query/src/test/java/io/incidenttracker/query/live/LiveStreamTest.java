package io.incidenttracker.query.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.query.live.SseClient.Event;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.Http;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/stream} against the whole service, a real broker and PostgreSQL: what the projection commits
 * reaches the stream after the views show it; resuming loses and repeats nothing; narrowing; the per-user limit and
 * the instance's; authentication; a slow client holds up neither a fast one nor the projection.
 */
@TestPropertySource(properties = {
        "incident-query.stream.max-streams-per-user=" + LiveStreamTest.LIMIT,
        "incident-query.stream.max-streams=" + LiveStreamTest.INSTANCE_LIMIT,
        "incident-query.stream.heartbeat=300ms",
        "incident-query.stream.client-max-lag=3s",
        "incident-query.stream.poll=200ms",
})
@Import(LiveStreamTest.CommitWatch.class)
class LiveStreamTest extends QueryServiceIntegrationTest {

    static final int LIMIT = 25;
    /** Three users' whole allowance and a few more: a fourth user meets the instance's limit before its own. */
    static final int INSTANCE_LIMIT = 3 * LIMIT + 5;

    /**
     * For each stream request, whether its response was committed when the request thread came back out of every
     * filter (this one wraps them all): the headers are then written by the request thread, never by the stream's
     * own thread while the filters still touch them.
     */
    static final ConcurrentLinkedQueue<Boolean> COMMITTED_ON_THE_REQUEST_THREAD = new ConcurrentLinkedQueue<>();

    @TestConfiguration
    static class CommitWatch {
        @Bean
        FilterRegistrationBean<OncePerRequestFilter> streamCommitWatch() {
            FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                    new OncePerRequestFilter() {
                        @Override
                        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                                        FilterChain chain) throws ServletException, IOException {
                            chain.doFilter(request, response);
                            if (response.getStatus() == 200) {
                                COMMITTED_ON_THE_REQUEST_THREAD.add(response.isCommitted());
                            }
                        }
                    });
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            registration.addUrlPatterns("/api/stream");
            return registration;
        }
    }
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");

    @LocalServerPort
    int port;

    @Autowired
    ChangeFeed feed;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aChangeReachesTheStreamOnlyOnceTheViewShowsIt() throws Exception {
        UUID id = UUID.randomUUID();
        try (SseClient stream = SseClient.open(port, "/api/stream?incidentId=" + id, "viewer")) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            events.publish(0, new IncidentOpened(id, "Cyberattack", Severity.HIGH, T0));
            events.publish(1, new SeverityChanged(id, Severity.CRITICAL, "second wave", T0.plusSeconds(60)));

            // one event per projection transaction and incident, with the incident's state after it
            Event last = untilVersion(stream, 1);
            JsonNode data = JSON.readTree(last.data());
            assertThat(data.get("incidentId").asText()).isEqualTo(id.toString());
            assertThat(data.get("status").asText()).isEqualTo("DETECTED");
            assertThat(data.get("severity").asText()).isEqualTo("CRITICAL");
            // the view already shows what the stream announced
            JsonNode view = JSON.readTree(as("viewer").getForObject("/api/incidents/" + id, String.class));
            assertThat(view.get("version").asLong()).isEqualTo(1);
            assertThat(view.get("severity").asText()).isEqualTo("CRITICAL");
        }
    }

    @Test
    void aServiceChangeIsAServiceEventAndHeartbeatsKeepAnIdleStreamOpen() throws Exception {
        UUID id = UUID.randomUUID();
        try (SseClient stream = SseClient.open(port, "/api/stream?incidentId=" + id, "responder")) {
            events.publish(0, new IncidentOpened(id, "Cyberattack", Severity.HIGH, T0));
            events.publish(1, new ServiceDisruptionReported(id, "telephony-" + id, ServiceImpact.UNAVAILABLE, null,
                    T0.plusSeconds(60)));
            Event service = null;
            while (service == null) {
                Event event = stream.take(1, WAIT).get(0);
                service = event.name().equals("service") ? event : null;
            }
            assertThat(JSON.readTree(service.data()).get("serviceId").asText()).isEqualTo("telephony-" + id);
            int comments = stream.comments;
            await().atMost(WAIT).until(() -> stream.comments >= comments + 2);
        }
    }

    @Test
    void resumesAfterADisconnectWithNothingMissedAndNothingRepeated() throws Exception {
        UUID id = UUID.randomUUID();
        String lastId;
        try (SseClient stream = SseClient.open(port, "/api/stream?incidentId=" + id, "viewer")) {
            events.publish(0, new IncidentOpened(id, "Cyberattack", Severity.HIGH, T0));
            events.publish(1, update(id, 1));
            lastId = untilVersion(stream, 1).id();
        }
        // changes committed while the client is away
        for (int sequence = 2; sequence < 7; sequence++) {
            events.publish(sequence, update(id, sequence));
        }
        await().atMost(WAIT).until(() -> version(id) == 6);

        // exactly what the log holds after the last id seen: nothing missed, nothing repeated
        List<String> logged = jdbc.queryForList(
                "SELECT id::text FROM view_change WHERE incident_id = ? AND id > ? ORDER BY id", String.class,
                id, Long.parseLong(lastId));
        assertThat(logged).isNotEmpty();
        try (SseClient resumed = SseClient.open(port, "/api/stream?incidentId=" + id, "viewer",
                Map.of("Last-Event-ID", lastId))) {
            List<Event> missed = resumed.take(logged.size(), WAIT);
            assertThat(missed).extracting(Event::id).containsExactlyElementsOf(logged);
            List<Long> versions = versions(missed);
            assertThat(versions).isSorted().doesNotHaveDuplicates().last().isEqualTo(6L);
            assertThat(versions.get(0)).isGreaterThan(1L);
            events.publish(7, update(id, 7));
            Event live = resumed.take(1, WAIT).get(0);
            assertThat(versions(List.of(live))).containsExactly(7L);
            assertThat(resumed.next(Duration.ofMillis(500))).as("nothing repeated").isNull();
            logged.add(live.id());
        }

        // the same through the query parameter
        try (SseClient resumed = SseClient.open(port, "/api/stream?incidentId=" + id + "&lastEventId=" + lastId,
                "viewer")) {
            assertThat(resumed.take(logged.size(), WAIT)).extracting(Event::id).containsExactlyElementsOf(logged);
        }
    }

    @Test
    void aClientResumingFromAnIdNoLongerRetainedIsToldToReset() throws Exception {
        UUID id = UUID.randomUUID();
        String oldId;
        try (SseClient stream = SseClient.open(port, "/api/stream?incidentId=" + id, "viewer")) {
            events.publish(0, new IncidentOpened(id, "Cyberattack", Severity.HIGH, T0));
            oldId = stream.take(1, WAIT).get(0).id();
        }
        events.publish(1, update(id, 1));
        await().atMost(WAIT).until(() -> version(id) == 1);
        assertThat(feed.prune(Duration.ZERO)).isPositive();

        try (SseClient resumed = SseClient.open(port, "/api/stream?incidentId=" + id, "viewer",
                Map.of("Last-Event-ID", oldId))) {
            Event reset = resumed.take(1, WAIT).get(0);
            assertThat(reset.name()).isEqualTo("reset");
            assertThat(Long.parseLong(reset.id())).isGreaterThan(Long.parseLong(oldId));
            events.publish(2, update(id, 2));
            assertThat(versions(resumed.take(1, WAIT))).containsExactly(2L);
        }
        // an id this log never handed out is no resume point either
        try (SseClient unknown = SseClient.open(port, "/api/stream", "viewer", Map.of("Last-Event-ID", "999999999"))) {
            assertThat(unknown.take(1, WAIT).get(0).name()).isEqualTo("reset");
        }
    }

    @Test
    void narrowsToOneIncident() throws Exception {
        UUID wanted = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        try (SseClient narrowed = SseClient.open(port, "/api/stream?incidentId=" + wanted, "auditor");
             SseClient everything = SseClient.open(port, "/api/stream", "admin")) {
            events.publish(0, new IncidentOpened(other, "Other", Severity.LOW, T0));
            events.publish(0, new IncidentOpened(wanted, "Wanted", Severity.HIGH, T0));
            events.publish(1, update(other, 1));
            events.publish(1, update(wanted, 1));

            untilVersion(narrowed, 1);
            List<Event> all = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                all.addAll(everything.drain());
                return all.stream().anyMatch(e -> incidentOf(e).equals(other.toString()) && version(e) == 1)
                        && all.stream().anyMatch(e -> incidentOf(e).equals(wanted.toString()) && version(e) == 1);
            });
            assertThat(narrowed.next(Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    void aUserHoldsAtMostTheConfiguredNumberOfStreamsAndIsToldWhy() throws Exception {
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                open.add(SseClient.open(port, "/api/stream", "responder"));
                assertThat(open.get(i).status()).isEqualTo(200);
            }
            HttpResponse<String> refused = new Http("http://localhost:" + port).get("/api/stream", "responder");
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(Http.isProblem(refused)).isTrue();
            assertThat(refused.body()).contains("open streams");
            // another user is not affected
            try (SseClient other = SseClient.open(port, "/api/stream", "viewer")) {
                assertThat(other.status()).isEqualTo(200);
            }
            // a closed stream frees its place (noticed at the next heartbeat at the latest)
            open.remove(0).close();
            open.add(openOnceAPlaceFrees("responder"));
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void anInstanceHoldsAtMostItsConfiguredNumberOfStreamsAndSaysWhenToComeBack() throws Exception {
        // the earlier tests' closed streams are freed at their next heartbeat: the instance's whole allowance
        await().atMost(WAIT).until(() -> openStreams() == 0);
        List<SseClient> open = new ArrayList<>();
        try {
            for (String user : List.of("viewer", "responder", "auditor")) {
                for (int i = 0; i < LIMIT; i++) {
                    open.add(SseClient.open(port, "/api/stream", user));
                }
            }
            for (int i = 0; i < INSTANCE_LIMIT - 3 * LIMIT; i++) {
                open.add(SseClient.open(port, "/api/stream", "admin"));
            }
            assertThat(open).allSatisfy(stream -> assertThat(stream.status()).isEqualTo(200));

            // admin is far from its own limit, the instance is at its own
            HttpResponse<String> refused = new Http("http://localhost:" + port).get("/api/stream", "admin");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Http.isProblem(refused)).isTrue();
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:problem:incident-tracker:streams-at-capacity");
            assertThat(problem.get("detail").asText()).contains(INSTANCE_LIMIT + " open streams");

            // a closed stream frees its place (noticed at the next heartbeat at the latest), for any user
            open.remove(0).close();
            open.add(openOnceAPlaceFrees("admin"));
            // the refused requests held no place, and the one freed was taken once: full again
            assertThat(new Http("http://localhost:" + port).get("/api/stream", "viewer").statusCode()).isEqualTo(503);
            await().atMost(WAIT).until(() -> openStreams() == INSTANCE_LIMIT);
        } finally {
            open.forEach(SseClient::close);
            await().atMost(WAIT).until(() -> openStreams() == 0);
        }
    }

    @Test
    void streamsOpenedAllAtOnceEachGetTheirHeadersOnceAndEveryChange() throws Exception {
        List<String> users = List.of("viewer", "responder", "auditor");
        List<SseClient> streams = java.util.Collections.synchronizedList(new ArrayList<>());
        // the earlier tests' closed streams are freed at their next heartbeat: every allowance whole
        await().atMost(WAIT).until(() -> openStreams() == 0);
        try {
            // every user's whole allowance, opened at the same moment: the response of each stream is committed
            // while other requests run through the same filters
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> openers = new ArrayList<>();
            for (String user : users) {
                for (int i = 0; i < LIMIT; i++) {
                    openers.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            streams.add(SseClient.open(port, "/api/stream", user));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
            }
            go.countDown();
            for (Thread opener : openers) {
                opener.join(WAIT.toMillis());
            }
            assertThat(streams).hasSize(users.size() * LIMIT);
            assertThat(COMMITTED_ON_THE_REQUEST_THREAD).isNotEmpty().containsOnly(true);
            for (SseClient stream : streams) {
                assertThat(stream.status()).isEqualTo(200);
                assertThat(stream.response.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
                assertThat(stream.response.headers().allValues("Content-Type")).hasSize(1);
            }
            UUID id = UUID.randomUUID();
            events.publish(0, new IncidentOpened(id, "Cyberattack", Severity.HIGH, T0));
            for (SseClient stream : streams) {
                Event event;
                do {
                    event = stream.next(WAIT);
                    assertThat(event).as("every stream gets the change").isNotNull();
                } while (!event.name().equals("incident") || !id.toString().equals(incidentOf(event)));
                assertThat(stream.ended()).isFalse();
            }
        } finally {
            streams.forEach(SseClient::close);
            // the service notices the closed connections at its next write (a heartbeat) and frees their places
            await().atMost(WAIT).until(() -> openStreams() == 0);
        }
    }

    @Test
    void withoutCredentialsTheStreamIsRefusedAndEveryRoleMayOpenIt() throws Exception {
        HttpResponse<String> anonymous = new Http("http://localhost:" + port).get("/api/stream", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(Http.isProblem(anonymous)).isTrue();
        for (String user : List.of("viewer", "responder", "auditor", "admin")) {
            try (SseClient stream = SseClient.open(port, "/api/stream", user)) {
                assertThat(stream.status()).as(user).isEqualTo(200);
            }
        }
        HttpResponse<String> badId = new Http("http://localhost:" + port).get("/api/stream?lastEventId=x", "viewer");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(Http.isProblem(badId)).isTrue();
    }

    @Test
    void aSlowClientDelaysNeitherAFastOneNorTheProjection() throws Exception {
        int count = 500;
        double droppedBefore = meters.counter("incident.stream.dropped").count();
        // a stream whose client takes nothing: every write to it blocks until the end of the test
        CountDownLatch release = new CountDownLatch(1);
        SseEmitter stuck = new SseEmitter(0L) {
            @Override
            public void send(SseEventBuilder builder) throws IOException {
                block();
            }

            @Override
            public void send(Set<DataWithMediaType> items) throws IOException {
                block();
            }

            private void block() throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("the slow client went away");
            }
        };
        try (SseClient fast = SseClient.open(port, "/api/stream", "viewer")) {
            new StreamSubscription(feed, stuck, null, null, () -> { }).start();
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                events.publish(0, new IncidentOpened(id, "Cyberattack " + i, Severity.HIGH, T0));
            }
            // every change reaches the fast client while the slow one takes nothing
            Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                fast.drain().forEach(event -> seen.add(incidentOf(event)));
                return seen.containsAll(ids.stream().map(UUID::toString).toList());
            });
            // the projection went on too, and the slow client is let go instead of being waited for
            assertThat(version(ids.get(count - 1))).isZero();
            await().atMost(WAIT).until(() -> meters.counter("incident.stream.dropped").count() > droppedBefore);
        } finally {
            release.countDown();
        }
    }

    /** Takes events until the incident event at this version (earlier versions may have shared a transaction). */
    private static Event untilVersion(SseClient stream, long version) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long previousId = 0;
        while (System.nanoTime() < deadline) {
            Event event = stream.next(Duration.ofSeconds(1));
            if (event == null) {
                continue;
            }
            assertThat(Long.parseLong(event.id())).as("ids increase").isGreaterThan(previousId);
            previousId = Long.parseLong(event.id());
            if (event.name().equals("incident") && version(event) == version) {
                return event;
            }
            assertThat(version(event)).as("versions only grow").isLessThan(version);
        }
        throw new AssertionError("No incident event at version " + version + " within " + WAIT);
    }

    private static long version(Event event) {
        try {
            JsonNode version = JSON.readTree(event.data()).get("version");
            return version == null ? -1 : version.asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static StatusUpdatePublished update(UUID id, int n) {
        return new StatusUpdatePublished(id, Audience.INTERNAL, "update " + n + " " + "y".repeat(500),
                T0.plusSeconds(60L * n));
    }

    private long version(UUID id) {
        try {
            String body = as("viewer").getForObject("/api/incidents/" + id, String.class);
            JsonNode view = body == null ? null : JSON.readTree(body);
            return view == null || !view.has("version") ? -1 : view.get("version").asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<Long> versions(List<Event> events) throws Exception {
        List<Long> versions = new ArrayList<>();
        for (Event event : events) {
            assertThat(event.name()).isEqualTo("incident");
            versions.add(JSON.readTree(event.data()).get("version").asLong());
        }
        return versions;
    }

    /** A stream of the user's, opened as soon as a place is free (a closed one is noticed at its next heartbeat). */
    private SseClient openOnceAPlaceFrees(String user) {
        List<SseClient> opened = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            SseClient again = SseClient.open(port, "/api/stream", user);
            if (again.status() == 200) {
                opened.add(again);
                return true;
            }
            return false;
        });
        return opened.get(0);
    }

    private double openStreams() {
        return meters.get("incident.stream.open").gauge().value();
    }

    private static String incidentOf(Event event) {
        try {
            return JSON.readTree(event.data()).get("incidentId").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
