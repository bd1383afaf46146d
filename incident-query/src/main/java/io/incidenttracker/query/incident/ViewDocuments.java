package io.incidenttracker.query.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The views kept as their answers ({@code incident_document}, {@code view_document}): written by the incident
 * projection in the transaction of the events that change them, read by the controllers as stored.
 * <p>
 * ETags are strong and agree across every instance that shares the database, since they are stored with the rows
 * they name: an incident's detail and the service board carry a hash of their exact bytes (the detail also its
 * version, for people reading logs); the incident list and the isolated systems, answered per request with filters,
 * carry a stamp drawn anew in every transaction that changes any incident, combined with the request's filters. A
 * conditional read compares the ETag alone, without reading the view's rows: a 304 costs one primary-key probe.
 * <p>
 * A projection catching up (a batch that changed {@link ViewProperties#catchUpIncidents} details or more: a rebuild
 * of a topic where incidents interleave, or a backlog) does not render them, since its next batches would mostly
 * render the same incidents again: it drops them, and {@link DocumentBackfill} renders every missing detail once no
 * catch-up batch has committed for a moment. A missing detail is rendered from the tables by the read that asks for
 * it, so no read answers a stale one.
 */
@Component
public class ViewDocuments {

    /** The {@code view_document} row of the service board. */
    public static final String SERVICES = "services";
    /** The {@code view_document} row whose stamp changes with any incident: the incident list. */
    public static final String INCIDENTS = "incidents";
    /** The {@code view_document} row whose stamp changes with any incident: the isolated systems. */
    public static final String ISOLATED_SYSTEMS = "isolated-systems";

    private static final String UPSERT_INCIDENT = """
            INSERT INTO incident_document (incident_id, version, etag, body) VALUES (?, ?, ?, ?)
            ON CONFLICT (incident_id) DO UPDATE SET version = EXCLUDED.version, etag = EXCLUDED.etag,
                                                    body = EXCLUDED.body""";
    /** A detail stored by the backfill: only where none is; one stored meanwhile by a batch is newer. */
    private static final String INSERT_MISSING_INCIDENT = """
            INSERT INTO incident_document (incident_id, version, etag, body) VALUES (?, ?, ?, ?)
            ON CONFLICT (incident_id) DO NOTHING""";
    private static final String UPSERT_VIEW = """
            INSERT INTO view_document (view, stamp, body) VALUES (?, ?, ?)
            ON CONFLICT (view) DO UPDATE SET stamp = EXCLUDED.stamp, body = EXCLUDED.body""";

    /** A view as stored: its strong ETag (quoted) and its JSON. */
    public record Stored(String etag, byte[] body) {
    }

    /** The current service board, as its own package reads it (it knows this one, not the other way round). */
    public interface BoardSource {
        List<?> current();
    }

    private static final String MISSING = """
            SELECT i.incident_id FROM incident i
            WHERE i.incident_id > ?
              AND NOT EXISTS (SELECT 1 FROM incident_document d WHERE d.incident_id = i.incident_id)
            ORDER BY i.incident_id LIMIT ? FOR UPDATE OF i SKIP LOCKED""";
    /** Below every other id in PostgreSQL's order of uuid (byte by byte): where a backfill's pass starts. */
    static final UUID FIRST = new UUID(0, 0);

    private final JdbcTemplate jdbc;
    private final IncidentQueries queries;
    private final ObjectMapper objectMapper;
    private final ObjectProvider<BoardSource> board;
    private final ViewProperties properties;
    /**
     * Catch-up batches committed (the first count stands for the details a previous run may have left missing).
     */
    private final AtomicLong catchUps = new AtomicLong(1);
    private volatile long lastCatchUpNanos = System.nanoTime();
    /** Details that catch-up batches dropped, in all (committed). */
    private final AtomicLong dropped = new AtomicLong();

    public ViewDocuments(JdbcTemplate jdbc, IncidentQueries queries, ObjectMapper objectMapper,
                         ObjectProvider<BoardSource> board, ViewProperties properties) {
        this.jdbc = jdbc;
        this.queries = queries;
        this.objectMapper = objectMapper;
        this.board = board;
        this.properties = properties;
    }

    /**
     * Writes the documents a batch changed, in its transaction after its rows: the detail of each given incident,
     * the board if a service changed, new stamps for the lists.
     */
    void write(Collection<UUID> incidents, boolean servicesChanged) {
        write(incidents, servicesChanged, false);
    }

    /**
     * As {@link #write(Collection, boolean)} for a batch of the live processor: one that changed the details of
     * {@link ViewProperties#catchUpIncidents} incidents or more is catching up, and drops those details instead of
     * rendering them (the board and the stamps are written as always).
     */
    void writeBatch(Collection<UUID> incidents, boolean servicesChanged) {
        write(incidents, servicesChanged, properties.catchingUp(incidents.size()));
    }

    private void write(Collection<UUID> incidents, boolean servicesChanged, boolean catchingUp) {
        if (!incidents.isEmpty() && catchingUp) {
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement(
                        "DELETE FROM incident_document WHERE incident_id = ANY (?)");
                ps.setArray(1, con.createArrayOf("uuid", incidents.toArray()));
                return ps;
            });
            // counted once the deletes are visible: a backfill pass that began before would not see them missing
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        caughtUp(incidents.size());
                    }
                });
            } else {
                caughtUp(incidents.size());
            }
        } else if (!incidents.isEmpty()) {
            store(queries.findAll(incidents), UPSERT_INCIDENT);
        }
        List<Object[]> views = new ArrayList<>();
        if (servicesChanged) {
            Stored stored = rendered(board.getObject().current());
            views.add(new Object[]{SERVICES, stored.etag(), text(stored)});
        }
        String stamp = UUID.randomUUID().toString();
        views.add(new Object[]{INCIDENTS, stamp, null});
        views.add(new Object[]{ISOLATED_SYSTEMS, stamp, null});
        jdbc.batchUpdate(UPSERT_VIEW, views);
    }

    private void store(List<IncidentDetail> details, String statement) {
        List<Object[]> rows = new ArrayList<>();
        for (IncidentDetail detail : details) {
            Stored stored = detail(detail);
            rows.add(new Object[]{detail.incidentId(), detail.version(), stored.etag(), text(stored)});
        }
        jdbc.batchUpdate(statement, rows);
    }

    /** A catch-up batch's dropped details are committed. */
    private void caughtUp(int details) {
        dropped.addAndGet(details);
        catchUps.incrementAndGet();
        lastCatchUpNanos = System.nanoTime();
    }

    /** How many catch-up batches dropped details so far: a backfill is owed while the count grows. */
    long catchUps() {
        return catchUps.get();
    }

    /** How many details catch-up batches dropped so far, in all. */
    long dropped() {
        return dropped.get();
    }

    /** When the latest catch-up batch dropped details ({@link System#nanoTime()}). */
    long lastCatchUpNanos() {
        return lastCatchUpNanos;
    }

    /**
     * Renders and stores the details missing after the given incident id, at most {@code limit}, in the caller's
     * transaction. Each incident's row is locked first; one locked by a projection batch is skipped (that batch
     * stores or drops its detail itself). A detail that a batch stored meanwhile (the incident linked by another
     * one, whose row the batch does not lock) is left as that batch stored it. Returns the ids rendered, in order;
     * empty at the end.
     */
    List<UUID> renderMissing(UUID after, int limit) {
        List<UUID> missing = jdbc.queryForList(MISSING, UUID.class, after, limit);
        if (!missing.isEmpty()) {
            store(queries.findAll(missing), INSERT_MISSING_INCIDENT);
        }
        return missing;
    }

    /** Whether any incident has no stored detail. */
    boolean anyMissing() {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM incident i
                               WHERE NOT EXISTS (SELECT 1 FROM incident_document d
                                                 WHERE d.incident_id = i.incident_id))""", Boolean.class));
    }

    /**
     * What a plain read of a stored view answers, for the direct read ({@link StoredViewFilter}) and the controllers
     * alike: {@code notModified} with the ETag when If-None-Match names the current one, else the stored document.
     */
    public record Current(Stored stored, boolean notModified) {
    }

    /**
     * The plain read of an incident's stored detail: with If-None-Match, its ETag alone is read first and a match
     * needs no body. Empty if no detail is stored (an unknown incident, or one still to render: {@link #rendered}).
     */
    public Optional<Current> currentIncident(UUID incidentId, String ifNoneMatch) {
        return current(ifNoneMatch, () -> incidentEtag(incidentId), () -> jdbc.query(
                "SELECT etag, body FROM incident_document WHERE incident_id = ?",
                (rs, i) -> new Stored(rs.getString(1), rs.getString(2).getBytes(StandardCharsets.UTF_8)), incidentId)
                .stream().findFirst());
    }

    /** The plain read of the stored service board, as {@link #currentIncident}; empty until the first is stored. */
    public Optional<Current> currentBoard(String ifNoneMatch) {
        return current(ifNoneMatch, () -> stamp(SERVICES), () -> jdbc.query(
                "SELECT stamp, body FROM view_document WHERE view = ? AND body IS NOT NULL",
                (rs, i) -> new Stored(rs.getString(1), rs.getString(2).getBytes(StandardCharsets.UTF_8)), SERVICES)
                .stream().findFirst());
    }

    private static Optional<Current> current(String ifNoneMatch, Supplier<Optional<String>> etag,
                                             Supplier<Optional<Stored>> stored) {
        if (ifNoneMatch != null) {
            Optional<String> current = etag.get();
            if (current.isPresent() && matches(ifNoneMatch, current.get())) {
                return Optional.of(new Current(new Stored(current.get(), null), true));
            }
        }
        return stored.get().map(document -> new Current(document, matches(ifNoneMatch, document.etag())));
    }

    /** The incident's detail rendered now from the tables, with the ETag it will be stored with; empty if unknown. */
    public Optional<Stored> renderedIncident(UUID incidentId) {
        return queries.find(incidentId).map(this::detail);
    }

    /** The service board rendered now from its table (none is stored yet). */
    public Stored renderedBoard() {
        return rendered(board.getObject().current());
    }

    /** The ETag of the incident's stored detail, without its body. */
    public Optional<String> incidentEtag(UUID incidentId) {
        return jdbc.queryForList("SELECT etag FROM incident_document WHERE incident_id = ?", String.class, incidentId)
                .stream().findFirst();
    }

    /** The ETag of the stored view (the board) or the stamp of a list, without any body. */
    public Optional<String> stamp(String view) {
        return jdbc.queryForList("SELECT stamp FROM view_document WHERE view = ?", String.class, view).stream()
                .findFirst();
    }

    /**
     * The ETag of a list answered per request: the list's stamp with the request's parameters, or empty when no
     * stamp is stored yet (right after a reset). Read it before the list itself: a list read later is as new or
     * newer, and a newer one has another stamp already, so a stale answer is never confirmed by a 304.
     */
    public Optional<String> listEtag(String view, String parameters) {
        return stamp(view).map(stamp -> "\"" + stamp + "." + hash(parameters, 16) + "\"");
    }

    /**
     * Whether an If-None-Match header names the ETag (RFC 9110 13.1.2: weak comparison, a list, or {@code *}); false
     * without the header.
     */
    public static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** 304 Not Modified with the current ETag and no body. */
    public static <T> ResponseEntity<T> notModified(String etag) {
        return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
    }

    /** An incident's detail as stored: its JSON, and its version with a hash of the JSON as ETag. */
    public Stored detail(IncidentDetail detail) {
        byte[] body = json(detail);
        return new Stored("\"" + detail.version() + "." + hash(body, 32) + "\"", body);
    }

    /** Any answer rendered now: its JSON, with a hash of it as ETag (the board's, an as-of answer's). */
    public Stored rendered(Object answer) {
        byte[] body = json(answer);
        return new Stored("\"" + hash(body, 32) + "\"", body);
    }

    private byte[] json(Object answer) {
        try {
            return objectMapper.writeValueAsBytes(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render " + answer.getClass().getSimpleName(), e);
        }
    }

    private static String text(Stored stored) {
        return new String(stored.body(), StandardCharsets.UTF_8);
    }

    private static String hash(String text, int hexDigits) {
        return hash(text.getBytes(StandardCharsets.UTF_8), hexDigits);
    }

    private static String hash(byte[] bytes, int hexDigits) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, hexDigits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
