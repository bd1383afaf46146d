package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.query.consuming.Processors;
import io.incidenttracker.query.live.ViewChange;
import io.incidenttracker.query.live.ViewChangeListener;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.TrackingEventProcessor;
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
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The instance that applies the incident projection answers repeated reads of the stored views from memory, and a
 * change it commits is in the answers before anyone is told of it; an instance that gives the projection up reads the
 * database again. The rows are changed behind the projection's back here only to tell memory from the database.
 */
@Import(ViewsFromMemoryTest.Listening.class)
class ViewsFromMemoryTest extends QueryServiceIntegrationTest {

    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** What listeners of the views were told, in order: told only once the change is in the views. */
    static final List<ViewChange> HEARD = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class Listening {
        @Bean
        ViewChangeListener recordingListener() {
            return HEARD::addAll;
        }
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    StoredViewCache cache;

    @Autowired
    MeterRegistry meters;

    @Autowired
    EventProcessingConfiguration processing;

    @Test
    void aRepeatedReadIsAnsweredFromMemoryAndAChangeIsInTheAnswerBeforeAnyoneIsToldOfIt() {
        UUID id = opened("Read from memory");
        ResponseEntity<String> first = read("/api/incidents/" + id, null);
        String etag = first.getHeaders().getETag();
        double hits = hits();
        jdbc.update("UPDATE incident_document SET body = '{\"behind\":true}' WHERE incident_id = ?", id);

        ResponseEntity<String> again = read("/api/incidents/" + id, null);
        assertThat(again.getBody()).as("the bytes kept, not the row").isEqualTo(first.getBody());
        assertThat(again.getHeaders().getETag()).isEqualTo(etag);
        assertThat(read("/api/incidents/" + id, etag).getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
        assertThat(hits()).isGreaterThanOrEqualTo(hits + 2);

        events.publish(1, new SeverityChanged(id, Severity.CRITICAL, "worse", T0.plusSeconds(60)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> heard(id, 1));
        ResponseEntity<String> changed = read("/api/incidents/" + id, etag);
        assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(changed.getBody()).contains("\"severity\":\"CRITICAL\"").contains("\"version\":1");
    }

    @Test
    void theBoardIsAnsweredFromMemoryUntilAServiceChanges() {
        UUID id = opened("Board from memory");
        ResponseEntity<String> board = read("/api/services", null);
        jdbc.update("UPDATE view_document SET body = '[]' WHERE view = 'services'");
        assertThat(read("/api/services", null).getBody()).isEqualTo(board.getBody());

        String service = "pharmacy-" + UUID.randomUUID().toString().substring(0, 8);
        events.publish(1, new ServiceDisruptionReported(id, service, ServiceImpact.UNAVAILABLE, null,
                                                        T0.plusSeconds(60)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> HEARD.contains(new ViewChange.ServiceChanged(service)));
        assertThat(read("/api/services", board.getHeaders().getETag()).getBody()).contains(service);
    }

    @Test
    void aKeptDetailAndBoardAreKeptAgainAsWrittenSoTheFirstReadsAfterAChangeNeedNoRoundTrip() {
        UUID id = opened("Kept as written");
        String first = "pharmacy-" + UUID.randomUUID().toString().substring(0, 8);
        events.publish(1, new ServiceDisruptionReported(id, first, ServiceImpact.UNAVAILABLE, null,
                                                        T0.plusSeconds(30)));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> HEARD.contains(new ViewChange.ServiceChanged(first))); // a board is stored
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> !jdbc.queryForList(
                "SELECT 1 FROM incident_document WHERE incident_id = ? AND body LIKE ?", id, "%" + first + "%")
                .isEmpty()); // stored: a read of a pending detail renders it and keeps nothing
        read("/api/incidents/" + id, null);
        read("/api/services", null);
        double written = written();

        String service = "laboratory-" + UUID.randomUUID().toString().substring(0, 8);
        events.publish(2, new ServiceDisruptionReported(id, service, ServiceImpact.DEGRADED, null,
                                                        T0.plusSeconds(60)));
        // the board by the batch that changed it, the detail by its rendering after the batch
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> written() >= written + 2);
        String etag = jdbc.queryForObject("SELECT etag FROM incident_document WHERE incident_id = ?", String.class, id);
        jdbc.update("UPDATE incident_document SET body = '{\"behind\":true}' WHERE incident_id = ?", id);
        jdbc.update("UPDATE view_document SET body = '[]' WHERE view = 'services'");
        double misses = misses();

        ResponseEntity<String> detail = read("/api/incidents/" + id, null);
        assertThat(detail.getBody()).contains(service).contains("\"version\":2");
        assertThat(detail.getHeaders().getETag()).isEqualTo(etag);
        assertThat(read("/api/services", null).getBody()).contains(service);
        assertThat(misses()).as("both from memory").isEqualTo(misses);
    }

    @Test
    void anInstanceThatGivesTheProjectionUpReadsTheDatabaseAndHoldingItAgainStartsFromIt() {
        UUID id = opened("Given up");
        String kept = read("/api/incidents/" + id, null).getBody();
        assertThat(cache.serving()).isTrue();

        projection().releaseSegment(0, 3, TimeUnit.SECONDS);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !cache.serving());
        jdbc.update("UPDATE incident_document SET body = '{\"another\":\"instance\"}' WHERE incident_id = ?", id);
        assertThat(read("/api/incidents/" + id, null).getBody()).as("no longer from memory")
                .isEqualTo("{\"another\":\"instance\"}").isNotEqualTo(kept);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(cache::serving);
        assertThat(read("/api/incidents/" + id, null).getBody()).as("held again: nothing kept from before")
                .isEqualTo("{\"another\":\"instance\"}");
    }

    private TrackingEventProcessor projection() {
        return processing.eventProcessor(Processors.INCIDENT_PROJECTION, TrackingEventProcessor.class).orElseThrow();
    }

    private UUID opened(String title) {
        await().atMost(WAIT).until(cache::serving);
        UUID id = UUID.randomUUID();
        events.publish(0, new IncidentOpened(id, title, Severity.HIGH, T0));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !jdbc.queryForList(
                "SELECT 1 FROM incident_document WHERE incident_id = ? AND body IS NOT NULL", id).isEmpty());
        return id;
    }

    private static boolean heard(UUID id, long version) {
        return HEARD.stream().anyMatch(change -> change instanceof ViewChange.IncidentChanged incident
                && incident.incidentId().equals(id) && incident.version() == version);
    }

    /** Not checked against the published document: some rows here are no view the service would store. */
    private ResponseEntity<String> read(String path, String ifNoneMatch) {
        HttpHeaders headers = new HttpHeaders();
        if (ifNoneMatch != null) {
            headers.set(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
        }
        return http.withBasicAuth("viewer", "viewer")
                .exchange(path, HttpMethod.GET, new HttpEntity<>(headers), String.class);
    }

    private double misses() {
        return meters.get("incident.view.cache.reads").tag("result", "miss").counter().count();
    }

    private double written() {
        return meters.get("incident.view.cache.written").counter().count();
    }

    private double hits() {
        return meters.get("incident.view.cache.reads").tag("result", "hit").counter().count();
    }
}
