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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The views kept as their answers ({@code incident_document}, {@code view_document}): kept by the incident
 * projection, read by the controllers as stored.
 * <p>
 * ETags are strong and agree across every instance that shares the database, since they are stored with the rows
 * they name: an incident's detail and the service board carry a hash of their exact bytes (the detail also its
 * version, for people reading logs); the incident list and the isolated systems, answered per request with filters,
 * carry a stamp drawn anew in every transaction that changes any incident, combined with the request's filters. A
 * conditional read compares the ETag alone, without reading the view's rows: a 304 costs one primary-key probe. On
 * the instance that applies the projection, the detail and the board once read are kept in memory
 * ({@link StoredViewCache}), told of every change made here before it commits and again as it commits: a read there
 * costs no round trip. Those kept when they changed are kept again as written (the board by the batch, a detail by
 * its rendering) once the write commits, so that the first read after a change costs none either.
 * <p>
 * The board and the stamps are written in the transaction of the events that change them. An incident's detail is
 * not rendered there: the transaction marks it pending (its row keeps no version, ETag or body), and once it has
 * committed {@link DetailRenderer}'s thread renders and stores the details it marked, each with its row locked, so
 * that the projection's commit does not wait for the rendering. A pending detail is rendered from the tables by the
 * read that asks for it, so no read answers a stale one; a transaction that changes an incident again while its
 * detail is being rendered waits on the row's lock and marks it pending anew.
 * <p>
 * A projection catching up (a batch that changed {@link ViewProperties#catchUpIncidents} details or more: a rebuild
 * of a topic where incidents interleave, or a backlog) marks its details pending without having them rendered, since
 * its next batches would mostly change the same incidents again: {@link DetailRenderer} renders every pending
 * detail once no catch-up batch has committed for a moment.
 */
@Component
public class ViewDocuments {

    /** The {@code view_document} row of the service board. */
    public static final String SERVICES = "services";
    /** The {@code view_document} row whose stamp changes with any incident: the incident list. */
    public static final String INCIDENTS = "incidents";
    /** The {@code view_document} row whose stamp changes with any incident: the isolated systems. */
    public static final String ISOLATED_SYSTEMS = "isolated-systems";

    /** A detail rendered in the transaction of the events (a rebuild's new tables). */
    private static final String UPSERT_INCIDENT = """
            INSERT INTO incident_document (incident_id, version, etag, body) VALUES (?, ?, ?, ?)
            ON CONFLICT (incident_id) DO UPDATE SET version = EXCLUDED.version, etag = EXCLUDED.etag,
                                                    body = EXCLUDED.body""";
    /**
     * Marks details pending, in one order for every batch. A row already pending is locked but not written again (ON CONFLICT locks
     * the row it meets before its WHERE is checked), so the rendering skips it until this transaction ends; a row
     * being rendered makes this statement wait for the rendering, and is then marked pending again.
     */
    private static final String MARK_PENDING = """
            INSERT INTO incident_document (incident_id) SELECT unnest(?)
            ON CONFLICT (incident_id) DO UPDATE SET version = NULL, etag = NULL, body = NULL
            WHERE incident_document.body IS NOT NULL""";
    /** The given details still pending and not locked by a transaction that marks or renders them. */
    private static final String LOCK_PENDING = """
            SELECT incident_id FROM incident_document
            WHERE incident_id = ANY (?) AND body IS NULL
            ORDER BY incident_id FOR UPDATE SKIP LOCKED""";
    /** The pending details after an id, in id order, not locked by a transaction that marks or renders them. */
    private static final String LOCK_PENDING_AFTER = """
            SELECT incident_id FROM incident_document
            WHERE incident_id > ? AND body IS NULL
            ORDER BY incident_id LIMIT ? FOR UPDATE SKIP LOCKED""";
    private static final String STORE_RENDERED = """
            UPDATE incident_document SET version = ?, etag = ?, body = ? WHERE incident_id = ?""";
    /** Pending rows of ids that are no incident (yet): the target of a link to an incident not known here. */
    private static final String FORGET_UNKNOWN = """
            DELETE FROM incident_document WHERE incident_id = ANY (?) AND body IS NULL""";
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

    /** Below every other id in PostgreSQL's order of uuid (byte by byte): where a backfill's pass starts. */
    static final UUID FIRST = new UUID(0, 0);

    private final JdbcTemplate jdbc;
    private final IncidentQueries queries;
    private final ObjectMapper objectMapper;
    private final ObjectProvider<BoardSource> board;
    private final ViewProperties properties;
    private final StoredViewCache cache;
    /**
     * Catch-up batches committed (the first count stands for the details a previous run may have left pending), and
     * renderings that failed: each calls for a pass over every pending detail.
     */
    private final AtomicLong catchUps = new AtomicLong(1);
    private volatile long lastCatchUpNanos = System.nanoTime();
    /** Details that catch-up batches marked pending, in all (committed). */
    private final AtomicLong dropped = new AtomicLong();
    /**
     * Details that committed live batches marked pending, to render: each with when it was first queued
     * ({@link System#nanoTime()}), in the order of the commits. Guarded by {@link #queueLock}.
     */
    private final LinkedHashMap<UUID, Long> queued = new LinkedHashMap<>();
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition queuedSome = queueLock.newCondition();

    public ViewDocuments(JdbcTemplate jdbc, IncidentQueries queries, ObjectMapper objectMapper,
                         ObjectProvider<BoardSource> board, ViewProperties properties, StoredViewCache cache) {
        this.jdbc = jdbc;
        this.cache = cache;
        this.queries = queries;
        this.objectMapper = objectMapper;
        this.board = board;
        this.properties = properties;
    }

    /**
     * Writes the documents that a rebuild's batch changed, in its transaction after its rows: the detail of each
     * given incident rendered there, the board if a service changed, new stamps for the lists.
     */
    void write(Collection<UUID> incidents, boolean servicesChanged) {
        if (!incidents.isEmpty()) {
            store(queries.findAll(incidents));
        }
        writeViews(servicesChanged);
        cache.changed(incidents, servicesChanged);
    }

    /**
     * Writes what a batch of the live processor changed, in its transaction after its rows: the board if a service
     * changed and new stamps for the lists, as {@link #write}; the details of the given incidents are marked pending,
     * and handed to the rendering once the transaction has committed. A batch that changed
     * {@link ViewProperties#catchUpIncidents} details or more is catching up: its details are left to the backfill's
     * next pass.
     */
    void writeBatch(Collection<UUID> incidents, boolean servicesChanged) {
        if (!incidents.isEmpty()) {
            List<UUID> ordered = new ArrayList<>(new TreeSet<>(incidents)); // one order of locks for every batch
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement(MARK_PENDING);
                ps.setArray(1, con.createArrayOf("uuid", ordered.toArray()));
                return ps;
            });
            boolean catchingUp = properties.catchingUp(ordered.size());
            // told once the marks are visible: a rendering or a pass that began before would not see them
            Runnable committed = catchingUp ? () -> caughtUp(ordered.size()) : () -> queue(ordered);
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        if (status == STATUS_COMMITTED) {
                            committed.run();
                        } else {
                            // rows already pending were locked, and skipped by the rendering meanwhile
                            queue(ordered);
                        }
                    }
                });
            } else {
                committed.run();
            }
        }
        Stored board = writeViews(servicesChanged);
        cache.changed(incidents, servicesChanged);
        if (board != null) {
            cache.written(StoredViewCache.BOARD, board);
        }
    }

    /**
     * Every stored view changes in the current transaction (a reset of the projection, a background rebuild's swap):
     * none is answered from memory as it was.
     */
    public void allChanged() {
        cache.changedAll();
    }

    /** Writes the board if a service changed, and new stamps for the lists; returns the board written, if any. */
    private Stored writeViews(boolean servicesChanged) {
        List<Object[]> views = new ArrayList<>();
        Stored stored = null;
        if (servicesChanged) {
            stored = rendered(board.getObject().current());
            views.add(new Object[]{SERVICES, stored.etag(), text(stored)});
        }
        String stamp = UUID.randomUUID().toString();
        views.add(new Object[]{INCIDENTS, stamp, null});
        views.add(new Object[]{ISOLATED_SYSTEMS, stamp, null});
        jdbc.batchUpdate(UPSERT_VIEW, views);
        return stored;
    }

    private void store(List<IncidentDetail> details) {
        List<Object[]> rows = new ArrayList<>();
        for (IncidentDetail detail : details) {
            Stored stored = detail(detail);
            rows.add(new Object[]{detail.incidentId(), detail.version(), stored.etag(), text(stored)});
        }
        jdbc.batchUpdate(UPSERT_INCIDENT, rows);
    }

    /** A catch-up batch's pending details are committed. */
    private void caughtUp(int details) {
        dropped.addAndGet(details);
        owePass();
    }

    /** Details may be pending that no rendering will take: a pass over all of them is owed. */
    void owePass() {
        catchUps.incrementAndGet();
        lastCatchUpNanos = System.nanoTime();
    }

    /** How many catch-up batches (and failed renderings) called for a pass so far: a pass is owed while it grows. */
    long catchUps() {
        return catchUps.get();
    }

    /** How many details catch-up batches marked pending so far, in all. */
    long dropped() {
        return dropped.get();
    }

    /** When the latest catch-up batch committed ({@link System#nanoTime()}). */
    long lastCatchUpNanos() {
        return lastCatchUpNanos;
    }

    /** Hands details that a committed batch marked pending to the rendering. */
    void queue(Collection<UUID> incidents) {
        long now = System.nanoTime();
        queueLock.lock();
        try {
            incidents.forEach(id -> queued.putIfAbsent(id, now));
            queuedSome.signalAll();
        } finally {
            queueLock.unlock();
        }
    }

    /** A detail taken from the queue: its incident, and when it was first queued ({@link System#nanoTime()}). */
    record Queued(UUID incidentId, long queuedNanos) {
    }

    /**
     * Takes every queued detail, at most {@code limit}, in the order queued; waits up to {@code waitNanos} for one
     * when none is queued (0: does not wait). Empty when none came.
     */
    List<Queued> takeQueued(int limit, long waitNanos) throws InterruptedException {
        queueLock.lock();
        try {
            long left = waitNanos;
            while (queued.isEmpty() && left > 0) {
                left = queuedSome.awaitNanos(left);
            }
            List<Queued> taken = new ArrayList<>(Math.min(limit, queued.size()));
            Iterator<Map.Entry<UUID, Long>> entries = queued.entrySet().iterator();
            while (entries.hasNext() && taken.size() < limit) {
                Map.Entry<UUID, Long> entry = entries.next();
                taken.add(new Queued(entry.getKey(), entry.getValue()));
                entries.remove();
            }
            return taken;
        } finally {
            queueLock.unlock();
        }
    }

    /** How many details are queued for the rendering. */
    int queuedCount() {
        queueLock.lock();
        try {
            return queued.size();
        } finally {
            queueLock.unlock();
        }
    }

    /**
     * Renders and stores those of the given details that are pending, in the caller's transaction. Each row is
     * locked first; one locked by a transaction that marks it pending again is skipped (that transaction queues it
     * once it commits), and each detail is read from the tables only after its lock is held, so that it holds
     * everything committed before. Returns the ids rendered.
     */
    List<UUID> renderPending(Collection<UUID> incidents) {
        beginRendering();
        List<UUID> locked = jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(LOCK_PENDING);
            ps.setArray(1, con.createArrayOf("uuid", incidents.toArray()));
            return ps;
        }, (rs, i) -> rs.getObject(1, UUID.class));
        return renderLocked(locked);
    }

    /**
     * Renders and stores the pending details after the given incident id, at most {@code limit}, in id order and in
     * the caller's transaction, each row locked as by {@link #renderPending}. Returns the ids of the rows it took,
     * in order; empty at the end.
     */
    List<UUID> renderPendingAfter(UUID after, int limit) {
        beginRendering();
        List<UUID> locked = jdbc.queryForList(LOCK_PENDING_AFTER, UUID.class, after, limit);
        renderLocked(locked);
        return locked;
    }

    /**
     * Begins a rendering's transaction. It takes the incident table's lightest lock before any other, as every other
     * transaction on these tables does (the projection's batches lock incident rows first; a background rebuild's
     * swap and a reset lock the table first): a rendering that locked {@code incident_document} rows first and then
     * read {@code incident} could wait for a swap that waits for it. And it commits without waiting for the WAL's
     * flush: a rendering lost in a crash leaves its rows pending, as the batch committed them, and the first pass
     * after the start renders them again; the projection's and the commands' commits do not queue behind its flushes.
     */
    private void beginRendering() {
        jdbc.execute("SET LOCAL synchronous_commit TO OFF; LOCK TABLE incident IN ACCESS SHARE MODE");
    }

    private List<UUID> renderLocked(List<UUID> locked) {
        if (locked.isEmpty()) {
            return locked;
        }
        List<Object[]> rows = new ArrayList<>(locked.size());
        Set<UUID> unknown = new HashSet<>(locked);
        List<UUID> rendered = new ArrayList<>(locked.size());
        for (IncidentDetail detail : queries.findAll(locked)) {
            Stored stored = detail(detail);
            rows.add(new Object[]{detail.version(), stored.etag(), text(stored), detail.incidentId()});
            unknown.remove(detail.incidentId());
            rendered.add(detail.incidentId());
            cache.written(detail.incidentId(), stored); // its row is held: no other writer comes before the commit
        }
        jdbc.batchUpdate(STORE_RENDERED, rows);
        if (!unknown.isEmpty()) {
            jdbc.update(con -> {
                PreparedStatement ps = con.prepareStatement(FORGET_UNKNOWN);
                ps.setArray(1, con.createArrayOf("uuid", unknown.toArray()));
                return ps;
            });
        }
        return rendered;
    }

    /** Some pending rows, at most {@code limit}. */
    List<UUID> pendingSample(int limit) {
        return jdbc.queryForList("SELECT incident_id FROM incident_document WHERE body IS NULL LIMIT ?", UUID.class,
                                 limit);
    }

    /**
     * What a plain read of a stored view answers, for the direct read ({@link StoredViewFilter}) and the controllers
     * alike: {@code notModified} with the ETag when If-None-Match names the current one, else the stored document.
     */
    public record Current(Stored stored, boolean notModified) {
    }

    /**
     * The plain read of an incident's stored detail: with If-None-Match, its ETag alone is read first and a match
     * needs no body. Empty if no detail is stored (an unknown incident, or one pending: {@link #renderedIncident}).
     */
    public Optional<Current> currentIncident(UUID incidentId, String ifNoneMatch) {
        return current(incidentId, ifNoneMatch, () -> incidentEtag(incidentId), () -> jdbc.query(
                "SELECT etag, body FROM incident_document WHERE incident_id = ? AND body IS NOT NULL",
                (rs, i) -> new Stored(rs.getString(1), rs.getString(2).getBytes(StandardCharsets.UTF_8)), incidentId)
                .stream().findFirst());
    }

    /** The plain read of the stored service board, as {@link #currentIncident}; empty until the first is stored. */
    public Optional<Current> currentBoard(String ifNoneMatch) {
        return current(StoredViewCache.BOARD, ifNoneMatch, () -> stamp(SERVICES), () -> jdbc.query(
                "SELECT stamp, body FROM view_document WHERE view = ? AND body IS NOT NULL",
                (rs, i) -> new Stored(rs.getString(1), rs.getString(2).getBytes(StandardCharsets.UTF_8)), SERVICES)
                .stream().findFirst());
    }

    /**
     * From memory where this instance writes the views ({@link StoredViewCache}: a miss reads the whole row, to keep
     * it); elsewhere a conditional read probes the ETag alone first.
     */
    private Optional<Current> current(Object key, String ifNoneMatch, Supplier<Optional<String>> etag,
                                      Supplier<Optional<Stored>> stored) {
        if (cache.serving()) {
            return Optional.ofNullable(cache.read(key, kept -> matches(ifNoneMatch, kept),
                                                  () -> stored.get().orElse(null)))
                    .map(document -> new Current(document, matches(ifNoneMatch, document.etag())));
        }
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
        return jdbc.queryForList("SELECT etag FROM incident_document WHERE incident_id = ? AND etag IS NOT NULL",
                                 String.class, incidentId)
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
