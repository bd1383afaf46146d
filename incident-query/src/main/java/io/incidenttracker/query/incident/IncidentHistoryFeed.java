package io.incidenttracker.query.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.query.incident.IncidentProjector.Envelope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Reads the event history ({@code incident_event}) and feeds it through the projection's own code: for the folds of
 * past states ({@link IncidentReplay}) and for filling the tables of a background rebuild. Which tables are written
 * is decided by the caller's transaction (its search path, or temporary twins); this class names none of them.
 */
@Component
public class IncidentHistoryFeed {

    /** Every table of the status projections, the incident last. */
    public static final List<String> PROJECTION_TABLES = ProjectionTable.sqlNames();

    private static final String SELECT_EVENTS = """
            SELECT e.position, e.incident_id, e.sequence, e.event_id, e.event_type, e.payload::text AS payload,
                   e.actor, e.correlation_id, e.recorded_at
            FROM incident_event e""";

    private final JdbcTemplate jdbc;
    private final IncidentProjector projector;
    /** The same code with metrics of its own: a rebuild must not count as live traffic. */
    private final IncidentProjector rebuilding;
    private final ViewDocuments documents;

    public IncidentHistoryFeed(JdbcTemplate jdbc, IncidentProjector projector, ObjectMapper objectMapper,
                               ViewDocuments documents) {
        this.jdbc = jdbc;
        this.projector = projector;
        this.documents = documents;
        this.rebuilding = new IncidentProjector(jdbc, objectMapper, new SimpleMeterRegistry());
    }

    /** An event of the history with its position (the order received). */
    record Kept(long position, Envelope envelope) {
    }

    /** What one call of {@link #feed} did. */
    public record Batch(long lastPosition, int events) {
    }

    /**
     * Passes the events received after a position, at most {@code limit}, in the order received, through the
     * projection's sequence check (duplicates ignored, gaps parked) into the tables the caller's transaction sees;
     * then writes the documents of the views they changed ({@link ViewDocuments}) there too.
     */
    public Batch feed(long afterPosition, int limit) {
        List<Kept> events = load(" WHERE e.position > ? ORDER BY e.position LIMIT ?", afterPosition, limit);
        Set<UUID> incidents = new TreeSet<>();
        boolean services = false;
        for (Kept kept : events) {
            rebuilding.accept(kept.envelope());
            IncidentEvent event = kept.envelope().event();
            incidents.add(event.incidentId());
            if (event instanceof IncidentLinked linked) {
                incidents.add(linked.linkedIncidentId());
            }
            if (event instanceof OccurredAtCorrected correction) {
                incidents.addAll(rebuilding.linkedBy(correction));
            }
            services |= event instanceof ServiceDisruptionReported || event instanceof ServiceRestored;
        }
        if (!events.isEmpty()) {
            documents.write(incidents, services);
        }
        return new Batch(events.isEmpty() ? afterPosition : events.get(events.size() - 1).position(), events.size());
    }

    /** How many events were received after a position. */
    public long countAfter(long position) {
        Long count = jdbc.queryForObject("SELECT count(*) FROM incident_event WHERE position > ?", Long.class,
                                         position);
        return count == null ? 0 : count;
    }

    /**
     * True when the history holds every event the live tables in {@code public} have applied or parked, so that
     * tables built from it lose nothing the live ones know.
     */
    public boolean coversLiveProjection() {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT NOT EXISTS (SELECT 1 FROM public.incident i
                                   WHERE i.version > COALESCE((SELECT max(e.sequence) FROM public.incident_event e
                                                               WHERE e.incident_id = i.incident_id), -1))
                   AND NOT EXISTS (SELECT 1 FROM public.pending_event p
                                   WHERE NOT EXISTS (SELECT 1 FROM public.incident_event e
                                                     WHERE e.incident_id = p.incident_id
                                                       AND e.sequence = p.sequence))""", Boolean.class));
    }

    /** Applies one event, already checked to be its incident's next, with the live projection's transition. */
    void apply(Envelope envelope) {
        projector.apply(envelope);
    }

    /** The history's events that the selection (a WHERE and ORDER BY over alias {@code e}) names. */
    List<Kept> load(String selection, Object... args) {
        return jdbc.query(SELECT_EVENTS + " " + selection.strip(), (rs, i) -> new Kept(
                rs.getLong("position"),
                new Envelope(
                        projector.fromJson(rs.getString("event_type"), rs.getString("payload")),
                        rs.getLong("sequence"),
                        rs.getString("event_id"),
                        rs.getString("actor"),
                        rs.getString("correlation_id"),
                        rs.getObject("recorded_at", OffsetDateTime.class).toInstant())), args);
    }
}
