package io.incidenttracker.query.rebuild;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fingerprint of the rebuildable projections, to show that a rebuild from history gives the state the live
 * projections had (guarantee 5).
 * <p>
 * Definition: SHA-256 over a canonical dump of every table in the {@code public} schema except the bookkeeping and
 * append-only ones ({@link #EXCLUDED_TABLES}), tables in name order; per table a line {@code table <name>}, then one
 * line per row with the column values as PostgreSQL renders them as text ({@code \N} for null), separated by a tab,
 * rows sorted by all columns; columns that record when this instance received something ({@link #EXCLUDED_COLUMNS})
 * are left out. New projection tables are included without a change here. The dump is read in one repeatable-read
 * snapshot, so it is consistent even while events arrive.
 * <p>
 * Incident details are rendered just after the transaction that changed them; one still pending has a row without a
 * body, which a live and a rebuilt state would not share. So a snapshot that holds a pending detail is taken again,
 * for at most {@link #PENDING_DETAILS_WAIT}, until one holds none: a moment when events are not arriving. While they
 * keep arriving the state moves anyway, and the digest takes it as it is.
 */
@Component
public class ProjectionDigest {

    /**
     * Not projections of the event history: positions, schema history, records kept aside, the audit ledger, and the
     * event history itself (kept by a processor of its own, never rebuilt).
     */
    static final Set<String> EXCLUDED_TABLES = Set.of("token_entry", "flyway_schema_history", "undecodable_record",
                                                      "incident_event",
                                                      // the stream's change log: a record of deliveries, not state
                                                      "view_change", "view_change_position",
                                                      // webhook subscriptions and their delivery log: not rebuilt
                                                      "webhook_subscription", "webhook_delivery",
                                                      "webhook_attempt",
                                                      // the live query instances (ProcessorBalance): not state
                                                      "query_instance");
    /** Tables of the append-only audit ledger start with this; they are never rebuilt. */
    static final String AUDIT_PREFIX = "audit_";
    /**
     * Wall-clock times of this instance, not facts from events; and the random stamps of the list views
     * ({@code view_document.stamp}: a fresh one per change, so that no ETag is ever reused).
     */
    static final Set<String> EXCLUDED_COLUMNS = Set.of("parked_at", "received_at", "stamp");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshot;

    public ProjectionDigest(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.jdbc = jdbc;
        this.snapshot = new TransactionTemplate(transactionManager);
        this.snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshot.setReadOnly(true);
    }

    /** The digest and the row count of each table it covers. */
    public record Digest(String sha256, Map<String, Long> rows) {
    }

    /** How long {@link #compute} waits for pending incident details to be rendered. */
    static final Duration PENDING_DETAILS_WAIT = Duration.ofSeconds(10);

    public Digest compute() {
        long deadline = System.nanoTime() + PENDING_DETAILS_WAIT.toNanos();
        while (true) {
            boolean last = System.nanoTime() - deadline >= 0;
            Digest digest = snapshot.execute(status -> !last && Boolean.TRUE.equals(jdbc.queryForObject(
                    "SELECT EXISTS (SELECT 1 FROM incident_document WHERE body IS NULL)", Boolean.class))
                    ? null : inSnapshot());
            if (digest != null) {
                return digest;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for pending details", e);
            }
        }
    }

    /** The digest of what the current snapshot holds. */
    private Digest inSnapshot() {
        MessageDigest sha = sha256();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : tables()) {
            List<String> columns = jdbc.queryForList("""
                    SELECT column_name FROM information_schema.columns
                    WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position""",
                    String.class, table).stream().filter(c -> !EXCLUDED_COLUMNS.contains(c)).toList();
            update(sha, "table " + table + "\n");
            String select = String.join(", ", columns.stream().map(c -> "\"" + c + "\"::text").toList());
            String order = String.join(", ", columns.stream().map(c -> "\"" + c + "\"::text").toList());
            long[] count = {0};
            jdbc.query("SELECT " + select + " FROM \"" + table + "\" ORDER BY " + order, rs -> {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    String value = rs.getString(i);
                    line.append(i > 1 ? "\t" : "").append(value == null ? "\\N" : value);
                }
                update(sha, line.append('\n').toString());
                count[0]++;
            });
            rows.put(table, count[0]);
        }
        return new Digest(HexFormat.of().formatHex(sha.digest()), rows);
    }

    private List<String> tables() {
        return jdbc.queryForList("""
                SELECT table_name FROM information_schema.tables
                WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name""", String.class)
                .stream()
                .filter(table -> !EXCLUDED_TABLES.contains(table) && !table.startsWith(AUDIT_PREFIX))
                .toList();
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
