package io.incidenttracker.query.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.query.live.ViewChange;
import io.incidenttracker.query.live.ViewChangeListener;
import io.incidenttracker.query.serviceboard.ServiceBoardController;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The views kept as their answers: the incident detail and the service board go out as the projection stored them,
 * every view of the dashboards answers a strong ETag, and If-None-Match with the current one gives 304 without the
 * view being read; any change gives a new ETag. Listeners of view changes hear of each change after it committed.
 */
@Import(ViewDocumentsTest.Listening.class)
// the database's side of the stored views: some tests change rows behind the projection's back, which the instance
// applying the projection would not see with its answers kept in memory (ViewsFromMemoryTest)
@TestPropertySource(properties = {"incident-query.views.vacuum-after-dropped=100", "incident-query.views.cache-size=0"})
class ViewDocumentsTest extends QueryServiceIntegrationTest {

    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");

    /** Every change told to a listener, with the incident's version as committed when it was told. */
    record Heard(ViewChange change, Long committedVersion) {
    }

    static final List<Heard> HEARD = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class Listening {
        @Bean
        ViewChangeListener recordingListener(JdbcTemplate jdbc) {
            return changes -> changes.forEach(change -> HEARD.add(new Heard(change,
                    change instanceof ViewChange.IncidentChanged incident
                            ? jdbc.queryForList("SELECT version FROM incident WHERE incident_id = ?", Long.class,
                                                incident.incidentId()).stream().findFirst().orElse(null)
                            : null)));
        }
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    IncidentQueries queries;

    @Autowired
    ObjectMapper objectMapper;

    @Autowired
    ViewDocuments documents;

    @Autowired
    DetailRenderer renderer;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ViewProperties properties;

    @Autowired
    IncidentController incidentController;

    @Autowired
    ServiceBoardController serviceBoardController;

    @Autowired
    MeterRegistry meters;

    @Autowired
    StoredViewFilter storedViews;

    @Autowired
    ProjectionVacuum vacuum;

    @Test
    void theDetailIsAnsweredAsStoredAndAnUnchangedOneGives304UntilItChanges() throws Exception {
        UUID id = opened("Stored detail");
        ResponseEntity<String> first = get("/api/incidents/" + id, null);
        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
        String etag = first.getHeaders().getETag();
        assertThat(etag).as("a strong ETag").startsWith("\"").endsWith("\"");
        assertThat(first.getBody()).as("the bytes as stored")
                .isEqualTo(jdbc.queryForObject("SELECT body FROM incident_document WHERE incident_id = ?",
                                               String.class, id));
        assertThat(objectMapper.readTree(first.getBody()))
                .as("the same answer as the detail read from the projection's tables")
                .isEqualTo(objectMapper.readTree(objectMapper.writeValueAsBytes(queries.find(id).orElseThrow())));

        ResponseEntity<String> unchanged = get("/api/incidents/" + id, etag);
        assertThat(unchanged.getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(unchanged.getBody()).isNull();
        assertThat(unchanged.getHeaders().getETag()).isEqualTo(etag);

        events.publish(1, new SeverityChanged(id, Severity.CRITICAL, "worse", T0.plusSeconds(60)));
        awaitVersion(id, 1);
        ResponseEntity<String> changed = get("/api/incidents/" + id, etag);
        assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(changed.getHeaders().getETag()).isNotEqualTo(etag);
        assertThat(objectMapper.readTree(changed.getBody()).get("severity").asText()).isEqualTo("CRITICAL");
    }

    @Test
    void aConditionalReadComparesTheStoredEtagAloneAndAReadSendsTheStoredBytes() {
        UUID id = opened("Compared alone");
        String etag = get("/api/incidents/" + id, null).getHeaders().getETag();
        // the stored document replaced behind the projection's back: a 304 never reads it, a read sends it as it is
        jdbc.update("UPDATE incident_document SET body = '{\"replaced\":true}' WHERE incident_id = ?", id);

        assertThat(get("/api/incidents/" + id, etag).getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(get("/api/incidents/" + id, "W/" + etag + ", \"other\"").getStatusCode())
                .as("a weak form, in a list").isEqualTo(HttpStatus.NOT_MODIFIED);
        // the tampered bytes are no incident detail: this one answer is not checked against the published document
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.IF_NONE_MATCH, "\"not-the-current-one\"");
        ResponseEntity<String> read = http.withBasicAuth("viewer", "viewer")
                .exchange("/api/incidents/" + id, HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(read.getBody()).isEqualTo("{\"replaced\":true}");
    }

    @Test
    void aPlainReadOfAStoredViewIsAnsweredBeforeTheDispatchExactlyAsTheControllerAnswersIt() throws Exception {
        UUID id = opened("Answered as stored");
        double detailsObserved = observed("/api/incidents/{id}");
        double boardsObserved = observed("/api/services");

        ResponseEntity<String> direct = get("/api/incidents/" + id, null);
        ResponseEntity<byte[]> controller = incidentController.get(id, null, null, null);
        assertThat(direct.getStatusCode()).isEqualTo(controller.getStatusCode());
        assertThat(direct.getHeaders().getETag()).isEqualTo(controller.getHeaders().getETag());
        assertThat(direct.getHeaders().getContentType()).isEqualTo(controller.getHeaders().getContentType());
        assertThat(direct.getBody()).isEqualTo(new String(controller.getBody(), StandardCharsets.UTF_8));
        ResponseEntity<String> dispatched = get("/api/incidents/" + id + "/timeline", null);
        for (String header : List.of(HttpHeaders.CACHE_CONTROL, "X-Content-Type-Options", "X-Frame-Options",
                                     "Content-Security-Policy", "Referrer-Policy")) {
            assertThat(direct.getHeaders().get(header)).as("%s, as on a dispatched answer", header)
                    .isNotNull().isEqualTo(dispatched.getHeaders().get(header));
        }

        ResponseEntity<String> board = get("/api/services", null);
        ResponseEntity<byte[]> boardByController = serviceBoardController.board(null, null);
        assertThat(board.getHeaders().getETag()).isEqualTo(boardByController.getHeaders().getETag());
        assertThat(board.getBody()).isEqualTo(new String(boardByController.getBody(), StandardCharsets.UTF_8));
        assertThat(get("/api/services", board.getHeaders().getETag()).getStatusCode())
                .isEqualTo(HttpStatus.NOT_MODIFIED);

        assertThat(observed("/api/incidents/{id}")).as("observed under the controller's path pattern")
                .isGreaterThan(detailsObserved);
        assertThat(observed("/api/services")).isGreaterThan(boardsObserved);
    }

    @Test
    void aPlainReadOfAStoredViewNeverReachesTheDispatcher() throws Exception {
        UUID id = opened("Not dispatched");
        String etag = get("/api/incidents/" + id, null).getHeaders().getETag();
        FilterChain dispatcher = (request, response) -> {
            throw new AssertionError("went on to the dispatcher");
        };
        MockHttpServletResponse read = directly("/api/incidents/" + id, null, dispatcher);
        assertThat(read.getStatus()).isEqualTo(200);
        assertThat(read.getContentAsString()).isEqualTo(storedDetail(id));
        assertThat(directly("/api/incidents/" + id, etag, dispatcher).getStatus()).isEqualTo(304);
        assertThat(directly("/api/services", null, dispatcher).getStatus()).isEqualTo(200);

        List<String> dispatched = new ArrayList<>();
        FilterChain recording = (request, response) -> dispatched.add(((MockHttpServletRequest) request).getRequestURI());
        directly("/api/incidents/" + UUID.randomUUID(), null, recording);
        MockHttpServletRequest withParameters = new MockHttpServletRequest("GET", "/api/incidents/" + id);
        withParameters.setQueryString("atSequence=0");
        storedViews.doFilter(withParameters, new MockHttpServletResponse(), recording);
        assertThat(dispatched).as("an unknown incident, a read with parameters").hasSize(2);
    }

    private MockHttpServletResponse directly(String path, String ifNoneMatch, FilterChain chain) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        if (ifNoneMatch != null) {
            request.addHeader(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        storedViews.doFilter(request, response, chain);
        return response;
    }

    @Test
    void whatTheDirectReadDoesNotAnswerGoesOnToTheControllersAndTheirRules() {
        UUID id = opened("Not answered directly");
        assertThat(http.getForEntity("/api/incidents/" + id, String.class).getStatusCode())
                .as("no credentials").isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(exchange("/api/incidents/" + id, HttpHeaders.ACCEPT, "text/csv").getStatusCode())
                .as("an Accept without JSON").isEqualTo(HttpStatus.NOT_ACCEPTABLE);
        assertThat(get("/api/incidents/not-an-id", null).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(get("/api/incidents/" + UUID.randomUUID(), null).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(get("/api/incidents/" + id + "?atSequence=0", null).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get("/api/incidents/" + id + "?atSequence=-1", null).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(exchange("/api/incidents/" + id, HttpHeaders.IF_MATCH, "\"another\"").getStatusCode())
                .as("a read does not evaluate If-Match, with or without the dispatch").isEqualTo(HttpStatus.OK);
    }

    @Test
    void aCatchUpBatchLeavesTheDetailsItChangedPendingAndAPassStoresThemOnceCaughtUp() throws Exception {
        UUID id = opened("Caught up");
        ResponseEntity<String> stored = get("/api/incidents/" + id, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> !renderer.owed());
        Instant analysedBefore = lastAnalysed("incident");
        long vacuumsBefore = meters.get("incident.projection.vacuum").timer().count();
        // a batch that changed as many details as a catch-up starts at: they stay pending, not queued for rendering
        List<UUID> many = new ArrayList<>(List.of(id));
        while (many.size() < properties.catchUpIncidents()) {
            many.add(UUID.randomUUID());
        }
        transactions.executeWithoutResult(status -> documents.writeBatch(many, false));
        assertThat(storedDetail(id)).as("pending after the catch-up batch").isNull();
        assertThat(renderer.renderQueued()).as("nothing queued").isZero();

        ResponseEntity<String> rendered = get("/api/incidents/" + id, null);
        assertThat(rendered.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(rendered.getBody()).as("rendered from the tables, byte for byte what was stored")
                .isEqualTo(stored.getBody());
        assertThat(rendered.getHeaders().getETag()).isEqualTo(stored.getHeaders().getETag());
        assertThat(get("/api/incidents/" + id, stored.getHeaders().getETag()).getStatusCode())
                .as("a conditional read of a detail rendered now").isEqualTo(HttpStatus.NOT_MODIFIED);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> storedDetail(id) != null);
        assertThat(storedDetail(id)).as("stored again by the pass").isEqualTo(stored.getBody());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM incident_document WHERE incident_id = ANY (?)",
                                       Long.class, (Object) many.subList(1, many.size()).toArray(UUID[]::new)))
                .as("the pending rows of ids that are no incident are gone").isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> !renderer.owed());
        assertThat(meters.get("incident.documents.owed").gauge().value()).isZero();
        assertThat(get("/api/incidents/" + id, stored.getHeaders().getETag()).getStatusCode())
                .isEqualTo(HttpStatus.NOT_MODIFIED);
        // 100 details marked, as many as this class's vacuum-after-dropped: the pass analysed the tables first
        assertThat(meters.get("incident.projection.vacuum").timer().count()).isEqualTo(vacuumsBefore + 1);
        assertThat(lastAnalysed("incident")).as("analysed by the pass")
                .isNotNull().matches(at -> analysedBefore == null || at.isAfter(analysedBefore));
    }

    @Test
    void aProjectionTableWithMoreDeadRowsThanAutovacuumsThresholdIsVacuumedAndEveryTableAnalysed() {
        opened("Dead rows");
        // rows inserted and rolled back are dead rows; the connection is told to count them at once (and a server's
        // autovacuum told to leave this table to the test)
        jdbc.execute("ALTER TABLE view_document SET (autovacuum_enabled = false)");
        try {
            deadRowsAreVacuumed();
        } finally {
            jdbc.execute("ALTER TABLE view_document RESET (autovacuum_enabled)");
        }
    }

    private void deadRowsAreVacuumed() {
        deadRowsInViewDocument();
        Instant startedAt = jdbc.queryForObject("SELECT now()", Instant.class);

        List<String> vacuumed = vacuum.run().vacuumed();

        assertThat(vacuumed).contains("view_document");
        assertThat(jdbc.queryForObject(
                "SELECT last_vacuum FROM pg_stat_user_tables WHERE relid = 'view_document'::regclass", Instant.class))
                .isAfterOrEqualTo(startedAt);
        for (String table : ProjectionTable.sqlNames()) {
            assertThat(lastAnalysed(table)).as(table).isNotNull().isAfterOrEqualTo(startedAt);
        }
        assertThat(ProjectionVacuum.needsVacuum(50, 0)).isFalse();
        assertThat(ProjectionVacuum.needsVacuum(51, 0)).isTrue();
        assertThat(ProjectionVacuum.needsVacuum(250, 1_000)).isFalse();
        assertThat(ProjectionVacuum.needsVacuum(251, 1_000)).isTrue();
    }

    @Test
    void tablesTheServicesUserMayNotMaintainAreLeftToAutovacuum() {
        String role = "incident_query_not_owner_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        jdbc.execute("CREATE ROLE " + role + " NOLOGIN");
        jdbc.execute("ALTER TABLE view_document SET (autovacuum_enabled = false)");
        try {
            deadRowsInViewDocument(); // a table its owner's call would vacuum
            String lastVacuumed = "SELECT last_vacuum FROM pg_stat_user_tables WHERE relid = 'view_document'::regclass";
            Instant vacuumedBefore = jdbc.queryForObject(lastVacuumed, Instant.class);
            jdbc.execute((ConnectionCallback<Void>) connection -> {
                Instant before = lastAnalysed("incident");
                List<String> vacuumed;
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET ROLE " + role);
                    try {
                        // the same component over a connection of a user that owns none of the tables
                        vacuumed = new ProjectionVacuum(
                                new JdbcTemplate(new SingleConnectionDataSource(connection, true)),
                                new SimpleMeterRegistry()).run().vacuumed();
                    } finally {
                        statement.execute("RESET ROLE"); // the pooled connection goes back as it came
                    }
                }
                assertThat(vacuumed).isEmpty();
                assertThat(lastAnalysed("incident")).as("not analysed either").isEqualTo(before);
                return null;
            });
            assertThat(jdbc.queryForObject(lastVacuumed, Instant.class)).isEqualTo(vacuumedBefore);
        } finally {
            jdbc.execute("ALTER TABLE view_document RESET (autovacuum_enabled)");
            jdbc.execute("DROP ROLE " + role);
        }
    }

    /** 1,000 dead rows in view_document (inserted and rolled back), counted by the statistics before it returns. */
    private void deadRowsInViewDocument() {
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO view_document (view, stamp) "
                                          + "SELECT 'rolled-back-' || g, 'x' FROM generate_series(1, 1000) g");
                connection.rollback();
                statement.execute("SELECT pg_stat_force_next_flush()");
                connection.commit();
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relid = 'view_document'::regclass", Long.class) > 500);
    }

    private Instant lastAnalysed(String table) {
        return jdbc.queryForObject("SELECT last_analyze FROM pg_stat_user_tables WHERE relid = to_regclass(?)",
                                   Instant.class, table);
    }

    @Test
    void aBatchMarksTheDetailsItChangedPendingInItsTransactionAndTheyAreRenderedOnceItCommits() {
        UUID id = opened("Rendered");
        await().atMost(Duration.ofSeconds(30)).until(() -> !renderer.owed()); // no pass left to take it
        jdbc.update("UPDATE incident_document SET body = '{}', etag = '\"old\"' WHERE incident_id = ?", id);
        double rendered = meters.get("incident.documents.rendered").counter().count();
        long lags = meters.get("incident.documents.render.lag").timer().count();

        transactions.executeWithoutResult(status -> {
            documents.writeBatch(List.of(id), false);
            assertThat(storedDetail(id)).as("pending in the batch's transaction").isNull();
            assertThat(documents.queuedCount()).as("queued only once the batch commits").isZero();
        });
        ResponseEntity<String> read = get("/api/incidents/" + id, "\"old\"");
        assertThat(read.getStatusCode()).as("never the stale detail, pending or rendered").isEqualTo(HttpStatus.OK);
        assertThat(read.getBody()).isEqualTo(renderedDetail(id));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> storedDetail(id) != null);
        assertThat(storedDetail(id)).isNotEqualTo("{}").isEqualTo(renderedDetail(id));
        assertThat(meters.get("incident.documents.rendered").counter().count()).isGreaterThan(rendered);
        assertThat(meters.get("incident.documents.render.lag").timer().count()).isGreaterThan(lags);
    }

    @Test
    void aPendingDetailThatABatchHoldsIsSkippedWithoutWaitingAndRenderedOnceTheBatchCommits() throws Exception {
        UUID id = opened("Held by a batch");
        // pending and committed, as a batch leaves it; the next batch to change it holds the row without writing it
        markPending(id);
        ExecutorService rendering = Executors.newSingleThreadExecutor();
        try (HeldTransaction batch = new HeldTransaction(() -> documents.writeBatch(List.of(id), false))) {
            Future<List<UUID>> rendered = rendering.submit(
                    () -> transactions.execute(status -> documents.renderPending(List.of(id))));
            assertThat(rendered.get(5, TimeUnit.SECONDS)).as("skipped, not waited for").isEmpty();
            assertThat(storedDetail(id)).isNull();
            batch.commit();
        } finally {
            rendering.shutdownNow();
        }
        awaitStoredAsRendered(id);
    }

    @Test
    void aBatchThatChangesAnIncidentWhileItsDetailIsRenderedWaitsAndMarksItPendingAgain() throws Exception {
        UUID id = opened("Rendered meanwhile");
        ExecutorService batch = Executors.newSingleThreadExecutor();
        // a rendering that read the tables before the batch's change: it holds the row and stores what it read
        try (HeldTransaction rendering = new HeldTransaction(() -> jdbc.update(
                "UPDATE incident_document SET body = '{\"stale\":true}', etag = '\"stale\"' WHERE incident_id = ?",
                id))) {
            Future<?> marked = batch.submit(() -> transactions.executeWithoutResult(
                    status -> documents.writeBatch(List.of(id), false)));
            Thread.sleep(300);
            assertThat(marked).as("the batch waits for the rendering's commit").isNotDone();
            rendering.commit();
            marked.get(30, TimeUnit.SECONDS);
        } finally {
            batch.shutdownNow();
        }
        // the batch marked it after the rendering committed, and queued it once it committed itself
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> storedDetail(id) != null && !storedDetail(id).contains("stale"));
        assertThat(storedDetail(id)).isEqualTo(renderedDetail(id));
    }

    @Test
    void aRenderingTakesTheIncidentTableBeforeAnyDetailAsABackgroundRebuildsSwapDoes() throws Exception {
        UUID id = opened("Swapped");
        ExecutorService swap = Executors.newSingleThreadExecutor();
        try (HeldTransaction incidents = new HeldTransaction(
                () -> jdbc.execute("LOCK TABLE incident IN ACCESS EXCLUSIVE MODE"))) {
            // a detail pending and queued while the swap holds the incident table: the renderer takes it and waits
            markPending(id);
            documents.queue(List.of(id));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(
                    () -> documents.queuedCount() == 0 && jdbc.queryForObject(
                            "SELECT count(*) FROM pg_locks WHERE relation = 'incident'::regclass AND NOT granted",
                            Long.class) > 0);
            // the swap goes on to the next table; it must not wait (a wait would be a deadlock: it is given less
            // time than PostgreSQL's deadlock detection takes to begin)
            Future<?> locked = swap.submit(() -> transactions.executeWithoutResult(status -> {
                jdbc.execute("SET LOCAL lock_timeout = '500ms'");
                jdbc.execute("LOCK TABLE incident_document IN ACCESS EXCLUSIVE MODE");
            }));
            locked.get(30, TimeUnit.SECONDS);
            incidents.commit();
        } finally {
            swap.shutdownNow();
        }
        awaitStoredAsRendered(id);
    }

    /** A transaction on a thread of its own: it does its work, then stays open until it is told to commit. */
    private final class HeldTransaction implements AutoCloseable {

        private final CountDownLatch done = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<?> committed;

        HeldTransaction(Runnable work) throws InterruptedException {
            committed = thread.submit(() -> transactions.executeWithoutResult(status -> {
                work.run();
                done.countDown();
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(done.await(30, TimeUnit.SECONDS)).as("the held transaction did its work").isTrue();
        }

        void commit() throws Exception {
            release.countDown();
            committed.get(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            release.countDown();
            thread.shutdownNow();
        }
    }

    @Test
    void aDetailLeftPendingWithoutARenderingQueuedIsFoundBySweepsAndRendered() {
        UUID id = opened("Left pending");
        String stored = storedDetail(id);
        // as an instance leaves it that stopped between a batch's commit and the rendering it had queued
        markPending(id);
        assertThat(documents.queuedCount()).isZero();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> storedDetail(id) != null);
        assertThat(storedDetail(id)).isEqualTo(stored);
    }

    @Test
    void theDetailOfALinkTargetUnknownHereIsNotKept() {
        UUID unknown = UUID.randomUUID();
        transactions.executeWithoutResult(status -> documents.writeBatch(List.of(unknown), false));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM incident_document WHERE incident_id = ?", Long.class, unknown) == 0);
        assertThat(get("/api/incidents/" + unknown, null).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    /** Marks the incident's stored detail pending, as a batch does, without queueing it. */
    private void markPending(UUID id) {
        jdbc.update("UPDATE incident_document SET version = NULL, etag = NULL, body = NULL WHERE incident_id = ?", id);
    }

    /** Waits until the incident's detail is stored, then checks it is what a read renders from the tables now. */
    private void awaitStoredAsRendered(UUID id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> storedDetail(id) != null);
        assertThat(storedDetail(id)).isEqualTo(renderedDetail(id));
    }

    /** The detail as a read renders it from the tables now. */
    private String renderedDetail(UUID id) {
        return new String(documents.renderedIncident(id).orElseThrow().body(), StandardCharsets.UTF_8);
    }

    @Test
    void aLinkFromAnotherIncidentChangesTheLinkedIncidentsEtag() throws Exception {
        UUID target = opened("Linked to");
        UUID source = opened("Linking");
        String before = get("/api/incidents/" + target, null).getHeaders().getETag();

        events.publish(1, new IncidentLinked(source, target, LinkRelation.RELATED, "same actor",
                                             T0.plusSeconds(120)));
        awaitVersion(source, 1);
        ResponseEntity<String> after = get("/api/incidents/" + target, before);
        assertThat(after.getStatusCode()).as("its version did not move, its answer did").isEqualTo(HttpStatus.OK);
        JsonNode links = objectMapper.readTree(after.getBody()).get("links");
        assertThat(links).hasSize(1);
        assertThat(links.get(0).get("direction").asText()).isEqualTo("INCOMING");
    }

    @Test
    void correctingTheTimeOfALinkChangesTheLinkedIncidentsStoredDetail() throws Exception {
        UUID target = opened("Linked, then corrected");
        UUID source = opened("Linking, then corrected");
        events.publish(1, new IncidentLinked(source, target, LinkRelation.RELATED, "same actor",
                                             T0.plusSeconds(120)));
        awaitVersion(source, 1);
        Instant corrected = T0.plusSeconds(90);
        events.publish(2, new OccurredAtCorrected(source, 1, corrected, "the clock was ahead", T0.plusSeconds(300)));
        awaitVersion(source, 2);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            String stored = storedDetail(target);
            assertThat(stored).isNotNull();
            JsonNode links = objectMapper.readTree(stored).get("links");
            assertThat(Instant.parse(links.get(0).get("linkedAt").asText())).as("the incoming link's time")
                    .isEqualTo(corrected);
        });
        assertThat(storedDetail(target)).isEqualTo(renderedDetail(target));
    }

    @Test
    void theServiceBoardIsAnsweredAsStoredWithAnEtagThatChangesWithTheBoard() throws Exception {
        UUID id = opened("Board");
        ResponseEntity<String> first = get("/api/services", null);
        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
        String etag = first.getHeaders().getETag();
        assertThat(get("/api/services", etag).getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);

        String service = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        events.publish(1, new ServiceDisruptionReported(id, service, ServiceImpact.UNAVAILABLE, null,
                                                        T0.plusSeconds(60)));
        awaitVersion(id, 1);
        ResponseEntity<String> changed = get("/api/services", etag);
        assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(changed.getBody()).contains(service);
        assertThat(objectMapper.readTree(changed.getBody()))
                .isEqualTo(objectMapper.readTree(jdbc.queryForObject(
                        "SELECT body FROM view_document WHERE view = 'services'", String.class)));
        String now = changed.getHeaders().getETag();
        assertThat(get("/api/services", now).getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(get("/api/services?asOf=" + T0.plusSeconds(3600 * 24 * 365 * 20L), null).getHeaders().getETag())
                .as("the board as of an instant still answers, with an ETag of its own answer").isNotNull();
    }

    @Test
    void theListsAnswerAnEtagPerFilterAndA304UntilAnyIncidentChanges() {
        UUID id = opened("Lists");
        for (String path : List.of("/api/incidents", "/api/incidents?severity=HIGH", "/api/isolated-systems")) {
            ResponseEntity<String> first = get(path, null);
            assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(first.getHeaders().getETag()).as(path).isNotNull();
            assertThat(get(path, first.getHeaders().getETag()).getStatusCode()).as(path)
                    .isEqualTo(HttpStatus.NOT_MODIFIED);
        }
        String all = get("/api/incidents", null).getHeaders().getETag();
        assertThat(get("/api/incidents?severity=HIGH", all).getStatusCode())
                .as("another filter is another answer").isEqualTo(HttpStatus.OK);
        String isolated = get("/api/isolated-systems", null).getHeaders().getETag();

        events.publish(1, new SystemIsolated(id, "db-" + UUID.randomUUID().toString().substring(0, 8), "cut",
                                             IsolationMethod.NETWORK, T0.plusSeconds(60)));
        awaitVersion(id, 1);
        assertThat(get("/api/incidents", all).getStatusCode()).isEqualTo(HttpStatus.OK);
        ResponseEntity<String> systems = get("/api/isolated-systems", isolated);
        assertThat(systems.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(systems.getBody()).contains(id.toString());
    }

    @Test
    void anAnswerAsOfAnInstantHasAnEtagOfItsOwnAndStaysConditional() {
        UUID id = UUID.randomUUID();
        Instant opened = Instant.parse("2032-01-01T00:00:00Z");
        events.publishRecordedAt(0, new IncidentOpened(id, "As of", Severity.LOW, opened), opened);
        awaitVersion(id, 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM incident_event WHERE incident_id = ?", Long.class, id) == 1);
        String path = "/api/incidents/" + id + "?asOf=" + opened.plusSeconds(1);
        ResponseEntity<String> asOf = get(path, null);
        assertThat(asOf.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(get(path, asOf.getHeaders().getETag()).getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
    }

    @Test
    void listenersHearOfEachChangeAfterItCommitted() {
        UUID id = opened("Heard");
        String service = "phone-" + UUID.randomUUID().toString().substring(0, 8);
        events.publish(1, new ServiceDisruptionReported(id, service, ServiceImpact.DEGRADED, null,
                                                        T0.plusSeconds(60)));
        await().atMost(Duration.ofSeconds(30)).until(() -> HEARD.stream().anyMatch(
                heard -> heard.change().equals(new ViewChange.ServiceChanged(service))));
        List<Heard> ofTheIncident = HEARD.stream()
                .filter(heard -> heard.change() instanceof ViewChange.IncidentChanged changed
                        && changed.incidentId().equals(id))
                .toList();
        assertThat(ofTheIncident).extracting(Heard::change).contains(
                new ViewChange.IncidentChanged(id, 0, "DETECTED", "HIGH"),
                new ViewChange.IncidentChanged(id, 1, "DETECTED", "HIGH"));
        assertThat(ofTheIncident).as("told only what was committed and visible")
                .allMatch(heard -> heard.committedVersion() != null
                        && heard.committedVersion() >= ((ViewChange.IncidentChanged) heard.change()).version());
    }

    /** The incident's stored detail; null when it is pending or has no row. */
    private String storedDetail(UUID id) {
        return jdbc.queryForList("SELECT body FROM incident_document WHERE incident_id = ? AND body IS NOT NULL",
                                 String.class, id).stream().findFirst().orElse(null);
    }

    /** An incident opened, with its detail stored. */
    private UUID opened(String title) {
        UUID id = UUID.randomUUID();
        events.publish(0, new IncidentOpened(id, title, Severity.HIGH, T0));
        awaitVersion(id, 0);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> storedDetail(id) != null);
        return id;
    }

    private ResponseEntity<String> exchange(String path, String header, String value) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(header, value);
        return as("viewer").exchange(path, HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }

    /** How many requests the metrics saw answered under the path pattern. */
    private double observed(String pattern) {
        return meters.find("http.server.requests").tag("uri", pattern).timers().stream()
                .mapToDouble(timer -> timer.count()).sum();
    }

    private ResponseEntity<String> get(String path, String ifNoneMatch) {
        HttpHeaders headers = new HttpHeaders();
        if (ifNoneMatch != null) {
            headers.set(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
        }
        return as("viewer").exchange(path, HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }

    private void awaitVersion(UUID id, long version) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            ResponseEntity<JsonNode> response = as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, id);
            return response.getStatusCode() == HttpStatus.OK && response.getBody().get("version").asLong() >= version;
        });
    }
}
