package io.incidenttracker.query.incident;

import io.incidenttracker.query.consuming.ProcessorClaims;
import io.incidenttracker.query.consuming.Processors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The stored views this instance answered last, kept in memory while this instance is the one that writes them:
 * an incident's detail and the service board as stored in {@code incident_document} and {@code view_document}, so
 * that a repeated read answers the same bytes and ETag without a round trip to the database.
 * <p>
 * <b>Only the writer caches.</b> Those rows are written by the incident projection alone (its batches, the renderings
 * after them, its reset, a background rebuild's swap), and it runs on the one instance that holds its claim. This
 * cache answers only while {@link ProcessorClaims} says this instance holds that claim; the first time it holds it again
 * after a break (a release, a refusal, a lapse), the cache starts empty, since another instance may have written
 * meanwhile. Other instances read the database at every read, as without the cache.
 * <p>
 * <b>Changed is forgotten.</b> Every write of these rows tells the cache which incidents (and whether the board) it
 * changes ({@link #changed}, {@link #changedAll}): their entries go at once, and again as the transaction commits,
 * before anyone is told of the change (the view change log's notification runs after this cache's). A read fills the
 * cache only with what it read from the database when no change of that view was told between its start and its
 * end ({@link #read}), so a read that raced a write never leaves the older answer behind it, while changes of other
 * views (a hundred a second under load, many during a read on a busy machine) do not keep it from filling. A
 * detail marked pending is never cached (its read renders it from the tables).
 * <p>
 * <b>Kept as written.</b> A view that was kept, and read since, when its change was told is kept again with what its
 * writer stores ({@link #written}: the board by the batch that changed it, a detail by its rendering after the batch),
 * once that writer's transaction commits and unless another change of the view was told meanwhile. So the first read
 * after a change needs no round trip either, while views nobody reads are not deflated for nothing: one kept as
 * written and not read before its next change is not kept again.
 * <p>
 * <b>Bounded, and kept deflated.</b> A body is kept deflated when that makes it smaller (a detail's JSON, with its
 * repeated names, to a seventh or less of its size, deflated with a preset dictionary of a detail's names and values,
 * {@link DetailVocabulary}) and inflated at each read from memory: a few microseconds against a round trip to the
 * database, and six or more times the views in the same bytes of heap; a conditional read that names the kept ETag is
 * answered without inflating anything. At most {@code
 * incident-query.views.cache-size} of kept bodies; over it, entries are dropped in no particular order until a tenth
 * is free. 0 turns the cache off.
 */
@Component
public class StoredViewCache {

    /** The key of the service board (incidents are keyed by their id). */
    static final String BOARD = "services";
    /** What an entry costs beside its kept body: the key, the ETag, the record and the map's node. */
    private static final int OVERHEAD_BYTES = 200;
    /** How many views' latest changes are remembered at most for the reads in flight ({@link #changedAt}). */
    private static final int CHANGES_REMEMBERED = 4096;
    /** What both deflate and inflate with: a detail's names and values, which every body's first occurrences find. */
    private static final byte[] DICTIONARY = DetailVocabulary.dictionary();
    /**
     * Inflaters kept for reuse between reads (about 40 KB of native memory each): as many as the reads that may be
     * inflating at once on a loaded machine, where a request thread is often preempted in the middle of one.
     */
    private static final int IDLE_INFLATERS = 16;
    /** Bodies shorter than this are kept as read: deflating them saves too little to pay for the inflating. */
    private static final int SMALLEST_DEFLATED = 256;

    private final ProcessorClaims claims;
    private final long maxBytes;
    private final ConcurrentHashMap<Object, Entry> entries = new ConcurrentHashMap<>();
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private final BlockingQueue<Inflater> inflaters = new ArrayBlockingQueue<>(IDLE_INFLATERS);
    private final AtomicLong bytes = new AtomicLong();
    /** Moves with every change told and every new epoch of the claim: the clock of {@link #changedAt}. */
    private final AtomicLong changes = new AtomicLong();
    /**
     * The latest change told of each view changed recently: a read that began before it does not fill, and a write
     * keeps the view only if it was kept, and read, when a change came. Emptied when it would hold more than
     * {@value #CHANGES_REMEMBERED} views; guarded by {@code this}.
     */
    private final Map<Object, Change> changedAt = new HashMap<>();
    /** A read that began before this value of {@link #changes} does not fill: changedAt forgot what came before. */
    private long rememberedFrom;
    /** The claim's epoch that the entries belong to; written under {@code this}. */
    private volatile long epoch = -1;
    private final Counter hits;
    private final Counter misses;
    private final Counter keptAsWritten;

    public StoredViewCache(ProcessorClaims claims, ViewProperties properties, MeterRegistry meterRegistry) {
        this.claims = claims;
        this.maxBytes = properties.cacheBytes();
        this.hits = Counter.builder("incident.view.cache.reads").tag("result", "hit")
                .description("Reads of a stored view answered from this instance's memory").register(meterRegistry);
        this.misses = Counter.builder("incident.view.cache.reads").tag("result", "miss")
                .description("Reads of a stored view that went to the database").register(meterRegistry);
        this.keptAsWritten = Counter.builder("incident.view.cache.written")
                .description("Views kept in memory as their writer stored them, after a change of a view that was kept "
                                     + "and read")
                .register(meterRegistry);
        Gauge.builder("incident.view.cache.bytes", bytes, AtomicLong::get).baseUnit("bytes")
                .description("Bytes of stored views held in memory").register(meterRegistry);
    }

    /** Whether reads are answered from memory now: on, and this instance holds the incident projection's claim. */
    boolean serving() {
        return maxBytes > 0 && claims.heldEpoch(Processors.INCIDENT_PROJECTION) >= 0;
    }

    /**
     * The stored view under {@code key} (an incident id, or {@link #BOARD}): from memory if held and this instance
     * writes the views, else {@code read} from the database, kept if no change was told meanwhile. Null if none is
     * stored.
     */
    ViewDocuments.Stored read(Object key, Supplier<ViewDocuments.Stored> read) {
        return read(key, etag -> false, read);
    }

    /**
     * As {@link #read(Object, Supplier)}, but a view held in memory whose ETag is {@code unchanged} (the client's
     * If-None-Match names it) is answered with its ETag alone and no body: a 304 needs none, and is not inflated.
     */
    ViewDocuments.Stored read(Object key, Predicate<String> unchanged, Supplier<ViewDocuments.Stored> read) {
        if (maxBytes == 0) {
            return read.get();
        }
        long held = claims.heldEpoch(Processors.INCIDENT_PROJECTION);
        if (held < 0) {
            return read.get();
        }
        if (held != epoch) {
            newEpoch(held);
        }
        Entry cached = entries.get(key);
        if (cached != null) {
            if (!cached.read) {
                cached.read = true;
            }
            if (unchanged.test(cached.etag())) {
                hits.increment();
                return new ViewDocuments.Stored(cached.etag(), null);
            }
            byte[] body = body(cached);
            if (body != null) {
                hits.increment();
                return new ViewDocuments.Stored(cached.etag(), body);
            }
            forget(List.of(key)); // does not inflate: read again below
        }
        misses.increment();
        long before = changes.get();
        ViewDocuments.Stored stored = read.get();
        if (stored != null && stored.body() != null) {
            Entry entry = entry(stored);
            entry.read = true;
            keep(key, entry, before, held);
        }
        return stored;
    }

    /**
     * The given incidents' details and, if {@code board}, the service board change in the current transaction (or
     * changed just now, without one): forgotten now, and again as the transaction commits or rolls back.
     */
    void changed(Collection<?> incidents, boolean board) {
        List<Object> keys = board ? withBoard(incidents) : List.copyOf(incidents);
        forget(keys);
        Writes writes = writes();
        if (writes != null) {
            writes.changed.addAll(keys);
        }
    }

    /**
     * The current transaction stores {@code stored} as the view under {@code key}, after telling that view's change
     * ({@link #changed}) or while holding its row against every other writer (a rendering). Once the transaction
     * commits, the view is kept as written if it was kept, and read since, when its change was told, unless another
     * change of it is told between this call and then. Without a transaction, or while this instance does not serve,
     * nothing is kept.
     */
    void written(Object key, ViewDocuments.Stored stored) {
        if (stored.body() == null || !serving()) {
            return;
        }
        Writes writes = writes();
        if (writes != null) {
            writes.written.put(key, new Written(stored, changes.get()));
        }
    }

    /** Every stored view changes in the current transaction (a reset, a swap of tables): all forgotten, twice. */
    void changedAll() {
        forgetAll();
        afterTransaction(this::forgetAll);
    }

    /** How many bytes the entries hold. */
    long bytes() {
        return bytes.get();
    }

    private static List<Object> withBoard(Collection<?> incidents) {
        List<Object> keys = new ArrayList<>(incidents.size() + 1);
        keys.addAll(incidents);
        keys.add(BOARD);
        return keys;
    }

    private void afterTransaction(Runnable forget) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            /** Before every other synchronization's, the view change log's notification among them. */
            @Override
            public int getOrder() {
                return Ordered.HIGHEST_PRECEDENCE;
            }

            @Override
            public void afterCommit() {
                forget.run();
            }

            @Override
            public void afterCompletion(int status) {
                if (status != STATUS_COMMITTED) {
                    forget.run();
                }
            }
        });
    }

    /**
     * The current transaction's changes and writes, registered with it on first use; null without a transaction.
     * What it changed is forgotten again as it ends; what it wrote is kept once it has committed.
     */
    private Writes writes() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return null;
        }
        for (TransactionSynchronization registered : TransactionSynchronizationManager.getSynchronizations()) {
            if (registered instanceof Writes writes && writes.cache() == this) {
                return writes;
            }
        }
        Writes writes = new Writes(claims.heldEpoch(Processors.INCIDENT_PROJECTION));
        TransactionSynchronizationManager.registerSynchronization(writes);
        return writes;
    }

    /** A view written in a transaction, and the value of {@link #changes} when it was. */
    private record Written(ViewDocuments.Stored stored, long changesBefore) {
    }

    /** A transaction's changes and writes of the views. */
    private final class Writes implements TransactionSynchronization {

        private final long held;
        private final Set<Object> changed = new LinkedHashSet<>();
        private final Map<Object, Written> written = new LinkedHashMap<>();

        Writes(long held) {
            this.held = held;
        }

        StoredViewCache cache() {
            return StoredViewCache.this;
        }

        /** Before every other synchronization's, the view change log's notification among them. */
        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }

        @Override
        public void afterCommit() {
            committed(this);
        }

        @Override
        public void afterCompletion(int status) {
            if (status != STATUS_COMMITTED) {
                forget(changed);
            }
        }
    }

    /**
     * A transaction committed: what it changed is forgotten again, and what it wrote is kept where the view was kept
     * and read when its change was told and no other change of it was told since the write. Deflated before the lock
     * (the forgetting runs even if that fails); checked, forgotten and kept under it, so that no change comes between.
     */
    private void committed(Writes writes) {
        Map<Object, Entry> wanted = new LinkedHashMap<>();
        try {
            for (Map.Entry<Object, Written> write : writes.written.entrySet()) {
                if (wasKeptWhenChanged(write.getKey())) {
                    wanted.put(write.getKey(), entry(write.getValue().stored()));
                }
            }
        } finally {
            keepWritten(writes, wanted);
        }
    }

    private void keepWritten(Writes writes, Map<Object, Entry> wanted) {
        synchronized (this) {
            List<Object> kept = new ArrayList<>(wanted.size());
            boolean sameClaim = writes.held == epoch && claims.heldEpoch(Processors.INCIDENT_PROJECTION) == epoch;
            for (Object key : wanted.keySet()) {
                long before = writes.written.get(key).changesBefore();
                Change change = changedAt.get(key);
                if (sameClaim && before >= rememberedFrom && change != null && change.at() <= before) {
                    kept.add(key);
                }
            }
            forget(writes.changed);
            for (Object key : kept) {
                put(key, wanted.get(key));
                changedAt.computeIfPresent(key, (k, change) -> new Change(change.at(), false));
            }
            keptAsWritten.increment(kept.size());
        }
    }

    private synchronized boolean wasKeptWhenChanged(Object key) {
        Change change = changedAt.get(key);
        return change != null && change.kept();
    }

    /**
     * A view's latest change told: the value of {@link #changes} then, and whether the view was kept, and read since
     * it was kept, when this or an earlier change of it (since it was last kept as written) was told.
     */
    private record Change(long at, boolean kept) {
    }

    /** Under the lock that {@link #keep} takes: a read cannot check for changes and then put across one. */
    private synchronized void forget(Collection<Object> keys) {
        if (keys.isEmpty()) {
            return;
        }
        long change = changes.incrementAndGet();
        boolean remembered = changedAt.size() + keys.size() <= CHANGES_REMEMBERED;
        if (!remembered) {
            // every read that began before this change will not fill: none needs the views' changes any more
            changedAt.clear();
            rememberedFrom = change;
        }
        for (Object key : keys) {
            Entry gone = entries.remove(key);
            if (gone != null) {
                bytes.addAndGet(-size(gone));
            }
            if (remembered) {
                Change earlier = changedAt.get(key);
                boolean read = gone != null && gone.read;
                changedAt.put(key, new Change(change, read || (earlier != null && earlier.kept())));
            }
        }
    }

    private synchronized void forgetAll() {
        rememberedFrom = changes.incrementAndGet();
        changedAt.clear();
        Iterator<Entry> all = entries.values().iterator();
        while (all.hasNext()) {
            Entry gone = all.next();
            all.remove();
            bytes.addAndGet(-size(gone));
        }
    }

    /** The claim is held again after a break: what the entries say may have changed meanwhile. */
    private synchronized void newEpoch(long held) {
        if (held != epoch) {
            forgetAll();
            epoch = held;
        }
    }

    private synchronized void keep(Object key, Entry entry, long changesBefore, long held) {
        // under the lock that every change and a new epoch take: none can come between these checks and the put
        if (epoch != held || changesBefore < rememberedFrom) {
            return;
        }
        Change changed = changedAt.get(key);
        if (changed != null && changed.at() > changesBefore) {
            return; // this view changed while it was read: what was read may be the older answer
        }
        put(key, entry);
    }

    /** Under the lock. */
    private void put(Object key, Entry entry) {
        Entry replaced = entries.put(key, entry);
        bytes.addAndGet(size(entry) - (replaced == null ? 0 : size(replaced)));
        if (bytes.get() > maxBytes) {
            shrink();
        }
    }

    /** Drops entries, in the map's own order (no particular one), until a tenth of the bound is free. */
    private void shrink() {
        long target = maxBytes - maxBytes / 10;
        Iterator<Entry> all = entries.values().iterator();
        while (bytes.get() > target && all.hasNext()) {
            Entry gone = all.next();
            all.remove();
            bytes.addAndGet(-size(gone));
        }
    }

    private static long size(Entry entry) {
        return (long) entry.kept().length + OVERHEAD_BYTES;
    }

    /**
     * A stored view as kept: its ETag and its body, deflated if that is smaller ({@code kept} shorter than {@code
     * length}), else as read; and whether a read has asked for it since it was kept (one kept as written has not,
     * until a read does: at its next change, a writer keeps it again only if one has).
     */
    private static final class Entry {

        private final String etag;
        private final byte[] kept;
        private final int length;
        volatile boolean read;

        Entry(String etag, byte[] kept, int length) {
            this.etag = etag;
            this.kept = kept;
            this.length = length;
        }

        String etag() {
            return etag;
        }

        byte[] kept() {
            return kept;
        }

        int length() {
            return length;
        }

        boolean deflated() {
            return kept.length < length;
        }
    }

    /** The entry for a body read from the database: deflated when that saves anything, the body itself otherwise. */
    private Entry entry(ViewDocuments.Stored stored) {
        byte[] body = stored.body();
        if (body.length < SMALLEST_DEFLATED) {
            return new Entry(stored.etag(), body, body.length);
        }
        // one byte less than the body: a deflation that fits is smaller, one that does not is not kept
        byte[] out = new byte[body.length - 1];
        int length;
        synchronized (deflater) {
            deflater.reset();
            deflater.setDictionary(DICTIONARY);
            deflater.setInput(body);
            deflater.finish();
            length = deflater.deflate(out);
            if (!deflater.finished()) {
                return new Entry(stored.etag(), body, body.length);
            }
        }
        return new Entry(stored.etag(), Arrays.copyOf(out, length), body.length);
    }

    /** The body an entry keeps, inflated if it was kept deflated; null if it does not inflate to its length. */
    private byte[] body(Entry entry) {
        if (!entry.deflated()) {
            return entry.kept();
        }
        Inflater inflater = inflaters.poll();
        if (inflater == null) {
            inflater = new Inflater();
        }
        try {
            inflater.setInput(entry.kept());
            byte[] body = new byte[entry.length()];
            int inflated = inflater.inflate(body);
            if (inflated == 0 && inflater.needsDictionary()) {
                inflater.setDictionary(DICTIONARY); // refused (IllegalArgumentException) if not the one deflated with
                inflated = inflater.inflate(body);
            }
            return inflated == body.length && inflater.finished() ? body : null;
        } catch (DataFormatException | IllegalArgumentException e) {
            return null;
        } finally {
            inflater.reset();
            if (!inflaters.offer(inflater)) {
                inflater.end();
            }
        }
    }
}
