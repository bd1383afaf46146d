package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.AuditExport;
import io.incidenttracker.audit.verify.Hex;
import io.incidenttracker.audit.verify.LedgerEntry;
import io.incidenttracker.audit.verify.Merkle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes exports in the format of {@link AuditExport}: the latest checkpoint, then the entries (an index range, or
 * every entry of one incident) each with its inclusion proof against that checkpoint, taken from the ledger tree.
 */
public class AuditExporter {

    private final JdbcTemplate streaming;
    private final TransactionTemplate readOnly;
    private final LedgerTree tree;

    public AuditExporter(JdbcTemplate streaming, TransactionTemplate readOnly, LedgerTree tree) {
        this.streaming = streaming;
        this.readOnly = readOnly;
        this.tree = tree;
    }

    /** What to export, checked before the first byte is written. */
    public record Plan(SignedCheckpoint checkpoint, Long fromIndex, Long toIndex, UUID incidentId,
                       Instant exportedAt) {
    }

    public void write(Plan plan, OutputStream out) throws IOException {
        tree.catchUp();
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        SignedCheckpoint checkpoint = plan.checkpoint();
        long treeSize = checkpoint.treeSize();
        writer.write(plan.incidentId() == null
                ? AuditExport.rangeHeader(plan.fromIndex(), plan.toIndex(), plan.exportedAt().toString())
                : AuditExport.incidentHeader(plan.incidentId().toString(), plan.exportedAt().toString()));
        writer.write('\n');
        writer.write(AuditExport.checkpoint(treeSize, checkpoint.rootHashHex(), checkpoint.signedAt().toString(),
                checkpoint.checkpoint(), checkpoint.signatureBase64(), checkpoint.publicKeyBase64()));
        writer.write('\n');
        long[] count = {0};
        String sql = "SELECT " + AuditLedger.COLUMNS + " FROM audit_entry WHERE "
                + (plan.incidentId() == null ? "ledger_index >= ? AND ledger_index < ?"
                                             : "incident_id = ? AND ledger_index < ?")
                + " ORDER BY ledger_index";
        Object[] args = plan.incidentId() == null
                ? new Object[]{plan.fromIndex(), plan.toIndex()}
                : new Object[]{plan.incidentId(), treeSize};
        try {
            readOnly.executeWithoutResult(status -> streaming.query(sql, rs -> {
                AuditLedger.StoredEntry row = AuditLedger.ROW.mapRow(rs, 0);
                try {
                    writer.write(line(row, treeSize));
                    writer.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                count[0]++;
            }, args));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        writer.write(AuditExport.end(count[0]));
        writer.write('\n');
        writer.flush();
    }

    private String line(AuditLedger.StoredEntry row, long treeSize) {
        LedgerEntry entry;
        try {
            entry = row.toEntry();
        } catch (IllegalArgumentException e) {
            // exported as it is stored, so that the verifier can point at it
            entry = new LedgerEntry(row.index(), row.eventId(), row.incidentId(), row.sequence(), row.type(),
                    row.occurredAt(), row.recordedAt(), row.actor(), row.correlationId(), row.payload());
        }
        List<String> proof = row.index() < Math.min(treeSize, tree.size())
                ? Merkle.encodeProof(tree.inclusionProof(row.index(), treeSize))
                : List.of();
        return AuditExport.entry(entry, Hex.encode(row.leafHash()), proof);
    }
}
