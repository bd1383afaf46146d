package io.incidenttracker.query.incident;

import io.incidenttracker.query.incident.IncidentProjector.Envelope;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import io.swagger.v3.oas.annotations.media.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Past states, answered from the event history ({@code incident_event}) by folding it with the live projection's own
 * state transitions ({@link IncidentProjector#apply}) and reading the result with the live queries.
 * <p>
 * How: inside one transaction that is always rolled back, every projection table (the service board among them)
 * gets a temporary twin of the same definition (PostgreSQL resolves a temporary table before the one in
 * {@code public});
 * the selected events are applied to the twins in sequence order; the ordinary queries then read the twins. Nothing
 * of it is ever committed, and other sessions (the live projection, other readers) never see the twins. A gap in the
 * history stops the fold of that incident at the gap: nothing after a missing event is applied.
 * <p>
 * "Recorded at" is the event store's time of the event ({@code recordedat} on the topic), not the caller's
 * {@code occurredAt}. An incident as of an instant is the fold of its events recorded up to that instant.
 */
@Component
public class IncidentReplay {

    private static final Logger log = LoggerFactory.getLogger(IncidentReplay.class);

    private final JdbcTemplate jdbc;
    private final IncidentHistoryFeed history;
    private final IncidentQueries queries;
    private final TransactionTemplate scratch;

    public IncidentReplay(JdbcTemplate jdbc, IncidentHistoryFeed history, IncidentQueries queries,
                          PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.history = history;
        this.queries = queries;
        this.scratch = new TransactionTemplate(transactionManager);
    }

    @Schema(description = "One event of an incident and the incident's state right after it")
    public record HistoryStep(
            long sequence,
            @Schema(description = "Event kind, for example SystemIsolated") String type,
            @Schema(description = "When it happened, as stated by the caller") Instant occurredAt,
            @Schema(description = "When it was recorded in the event store") Instant recordedAt,
            @Schema(description = "Principal whose command caused it") String actor,
            String eventId,
            @Schema(description = "The incident as it was right after this event") IncidentDetail state) {
    }

    /** The incident as recorded at an instant: its events recorded up to then; empty if it had none. */
    public Optional<IncidentDetail> asOf(UUID incidentId, Instant at) {
        return inScratch(() -> {
            Long last = jdbc.queryForObject(
                    "SELECT max(sequence) FROM incident_event WHERE incident_id = ? AND recorded_at <= ?",
                    Long.class, incidentId, timestamp(at));
            return last == null ? Optional.empty() : foldUpTo(incidentId, last);
        });
    }

    /** The incident right after its event with this sequence; empty if no such event is known. */
    public Optional<IncidentDetail> atSequence(UUID incidentId, long sequence) {
        return inScratch(() -> {
            Integer known = jdbc.queryForObject(
                    "SELECT count(*) FROM incident_event WHERE incident_id = ? AND sequence = ?", Integer.class,
                    incidentId, sequence);
            return known == null || known == 0 ? Optional.empty() : foldUpTo(incidentId, sequence);
        });
    }

    /**
     * Every event of the incident from a sequence on, at most {@code limit}, each with the state right after it;
     * empty if the incident is unknown.
     */
    public Optional<List<HistoryStep>> history(UUID incidentId, long fromSequence, int limit) {
        return inScratch(() -> {
            List<Envelope> events = load(" WHERE e.incident_id = ? AND e.sequence < ?", incidentId,
                                         fromSequence + limit);
            if (events.isEmpty()) {
                return Optional.empty();
            }
            List<HistoryStep> steps = new ArrayList<>();
            fold(events, envelope -> {
                if (envelope.sequence() >= fromSequence) {
                    IncidentDetail state = queries.find(incidentId).orElseThrow();
                    steps.add(new HistoryStep(envelope.sequence(), TimelineSummaries.typeOf(envelope.event()),
                                              envelope.event().occurredAt(), envelope.recordedAt(), envelope.actor(),
                                              envelope.eventId(), state));
                }
            });
            return Optional.of(steps);
        });
    }

    /**
     * Folds every incident's events recorded up to an instant, then reads with the given query: any view of the
     * status projections (the service board, for instance) as it was then.
     */
    public <T> T everyIncidentAsOf(Instant at, Supplier<T> read) {
        return inScratch(() -> {
            fold(load("""
                     JOIN (SELECT incident_id, max(sequence) AS last FROM incident_event
                             WHERE recorded_at <= ? GROUP BY incident_id) recorded
                       ON recorded.incident_id = e.incident_id
                     WHERE e.sequence <= recorded.last""", timestamp(at)), envelope -> { });
            return read.get();
        });
    }

    private Optional<IncidentDetail> foldUpTo(UUID incidentId, long last) {
        fold(load(" WHERE e.incident_id = ? AND e.sequence <= ?", incidentId, last), envelope -> { });
        return queries.find(incidentId);
    }

    /** Applies the events in order, each incident from sequence 0 up to its first gap; calls back after each. */
    private void fold(List<Envelope> events, Consumer<Envelope> afterEach) {
        UUID incident = null;
        long expected = 0;
        for (Envelope envelope : events) {
            UUID current = envelope.event().incidentId();
            if (!current.equals(incident)) {
                incident = current;
                expected = 0;
            }
            if (envelope.sequence() != expected) {
                if (expected >= 0) {
                    log.warn("History of incident {} misses sequence {}; its replay stops there", current, expected);
                }
                expected = -1;
                continue;
            }
            history.apply(envelope);
            afterEach.accept(envelope);
            expected++;
        }
    }

    private List<Envelope> load(String selection, Object... args) {
        return history.load(selection + " ORDER BY e.incident_id, e.sequence", args).stream()
                .map(IncidentHistoryFeed.Kept::envelope).toList();
    }

    /** Runs the work against temporary twins of the projection, in a transaction that is rolled back. */
    private <T> T inScratch(Supplier<T> work) {
        return scratch.execute(status -> {
            status.setRollbackOnly();
            for (String table : IncidentHistoryFeed.PROJECTION_TABLES) {
                jdbc.execute("CREATE TEMPORARY TABLE " + table + " (LIKE public." + table + " INCLUDING ALL)");
            }
            return work.get();
        });
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
