package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Json;
import io.incidenttracker.audit.verify.LedgerEntry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The ledger table: appends within the caller's transaction and reads. Indexes are handed out contiguously from 0
 * in the order of appending; a second append of the same event id appends nothing. A single writer is assumed (the
 * ledger processor has one segment); a second one would collide on the primary key and retry, never leave a hole.
 */
public class AuditLedger {

    static final String COLUMNS = "ledger_index, event_id, incident_id, sequence, event_type, occurred_at, "
            + "recorded_at, actor, correlation_id, payload, leaf_hash";

    private final JdbcTemplate jdbc;
    private final Counter appended;
    private final Counter duplicates;

    public AuditLedger(JdbcTemplate jdbc, MeterRegistry meterRegistry) {
        this.jdbc = jdbc;
        this.appended = Counter.builder("incident.audit.appended")
                .description("Events appended to the audit ledger").register(meterRegistry);
        this.duplicates = Counter.builder("incident.audit.duplicates")
                .description("Events delivered again and not appended to the audit ledger").register(meterRegistry);
    }

    /** What an appended event brings; the ledger adds the index. {@code payload} is the JSON as published. */
    public record NewEntry(String eventId, UUID incidentId, long sequence, String type, Instant occurredAt,
                           Instant recordedAt, String actor, String correlationId, String payload) {
    }

    /** A stored row: the entry's fields, the published JSON as text and the stored leaf hash. */
    public record StoredEntry(long index, String eventId, String incidentId, long sequence, String type,
                              String occurredAt, String recordedAt, String actor, String correlationId,
                              String payload, byte[] leafHash) {

        /** The entry as hashed; throws {@link IllegalArgumentException} when the stored payload is no JSON. */
        public LedgerEntry toEntry() {
            return new LedgerEntry(index, eventId, incidentId, sequence, type, occurredAt, recordedAt, actor,
                                   correlationId, Json.parse(payload));
        }
    }

    static final RowMapper<StoredEntry> ROW = (rs, i) -> new StoredEntry(
            rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getString(6),
            rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getBytes(11));

    /**
     * Appends an event unless its id is already in the ledger. Must run inside a transaction (the processor's, so
     * that the entries commit with its token): the events of a transaction are written together just before it
     * commits, in the order given, with indexes following the last committed one.
     */
    public void append(NewEntry event) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("The audit ledger appends only within a transaction");
        }
        Pending pending = (Pending) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            Pending created = new Pending();
            pending = created;
            TransactionSynchronizationManager.bindResource(this, created);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    writeBatch(created.entries);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(AuditLedger.this);
                }
            });
        }
        pending.entries.add(event);
    }

    private static final class Pending {
        final List<NewEntry> entries = new ArrayList<>();
    }

    /** Writes a transaction's events in one batch: duplicates dropped, indexes contiguous. */
    private void writeBatch(List<NewEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>(jdbc.query(con -> {
            PreparedStatement query = con.prepareStatement("SELECT event_id FROM audit_entry WHERE event_id = ANY (?)");
            query.setArray(1, con.createArrayOf("text", entries.stream().map(NewEntry::eventId).toArray()));
            return query;
        }, (rs, i) -> rs.getString(1)));
        Long next = jdbc.queryForObject("SELECT COALESCE(MAX(ledger_index) + 1, 0) FROM audit_entry", Long.class);
        long index = next == null ? 0 : next;
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (NewEntry event : entries) {
            if (!known.add(event.eventId())) {
                duplicates.increment();
                continue;
            }
            LedgerEntry entry = new LedgerEntry(index, event.eventId(), event.incidentId().toString(),
                    event.sequence(), event.type(), event.occurredAt().toString(), event.recordedAt().toString(),
                    event.actor(), event.correlationId(), Json.parse(event.payload()));
            rows.add(new Object[]{index, event.eventId(), event.incidentId(), entry.sequence(), entry.type(),
                    entry.occurredAt(), entry.recordedAt(), entry.actor(), entry.correlationId(), event.payload(),
                    entry.leafHash()});
            index++;
        }
        if (!rows.isEmpty()) {
            // no ON CONFLICT: a clash here means a second writer, and the transaction must fail and be retried
            jdbc.batchUpdate("INSERT INTO audit_entry (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
            appended.increment(rows.size());
        }
    }

    public long size() {
        Long size = jdbc.queryForObject("SELECT COALESCE(MAX(ledger_index) + 1, 0) FROM audit_entry", Long.class);
        return size == null ? 0 : size;
    }

    /** Entries from an index on, in index order; only those of one incident if given. */
    public List<StoredEntry> entries(long fromIndex, int limit, UUID incidentId) {
        if (incidentId == null) {
            return jdbc.query("SELECT " + COLUMNS + " FROM audit_entry WHERE ledger_index >= ? "
                    + "ORDER BY ledger_index LIMIT ?", ROW, fromIndex, limit);
        }
        return jdbc.query("SELECT " + COLUMNS + " FROM audit_entry WHERE incident_id = ? AND ledger_index >= ? "
                + "ORDER BY ledger_index LIMIT ?", ROW, incidentId, fromIndex, limit);
    }

    /** Leaf hashes from an index on, in index order, at most {@code limit}. */
    public List<IndexedHash> leafHashes(long fromIndex, int limit) {
        return jdbc.query("SELECT ledger_index, leaf_hash FROM audit_entry WHERE ledger_index >= ? "
                        + "ORDER BY ledger_index LIMIT ?",
                (rs, i) -> new IndexedHash(rs.getLong(1), rs.getBytes(2)), fromIndex, limit);
    }

    public record IndexedHash(long index, byte[] hash) {
    }
}
