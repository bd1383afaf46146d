package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Hex;
import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.audit.verify.RootAccumulator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Re-hashes the whole stored ledger: every leaf recomputed from the stored fields, the tree rebuilt, its prefixes
 * compared with every checkpoint, and the latest checkpoint's signature checked with this service's key.
 * <p>
 * The first invalid index is the first entry that fails on its own: a row whose fields no longer give its stored
 * leaf hash, a row missing or out of place, a row that differs from the leaf this instance saw committed. This
 * instance keeps the leaves it saw committed for the newest {@value LedgerTree#TILE_SIZE} entries at most (the tile
 * still filling) and, for every older tile of {@value LedgerTree#TILE_SIZE}, the tile's hash: a row rewritten
 * together with its stored leaf hash in an older tile, where no entry fails on its own, is named by the start of its
 * tile, and the reason gives the tile's range. A checkpoint that no longer matches is reported separately
 * ({@link CheckpointMismatch}); it names the first invalid index only when no entry and no tile fails on its own (a
 * row rewritten together with its leaf hash before this instance started), and then as the size of the last
 * checkpoint the ledger still matches, the start of the range that holds the change.
 */
public class LedgerVerifier {

    private final JdbcTemplate streaming;
    private final TransactionTemplate readOnly;
    private final CheckpointStore checkpoints;
    private final LedgerTree tree;
    private final byte[] trustedKey;

    public LedgerVerifier(JdbcTemplate streaming, TransactionTemplate readOnly, CheckpointStore checkpoints,
                          LedgerTree tree, byte[] trustedKey) {
        this.streaming = streaming;
        this.readOnly = readOnly;
        this.checkpoints = checkpoints;
        this.tree = tree;
        this.trustedKey = trustedKey.clone();
    }

    /**
     * The outcome.
     *
     * @param treeSize           entries in the stored ledger
     * @param rootHash           the root recomputed from them
     * @param firstInvalidIndex  the first index that fails, null when none does
     * @param checkpointTreeSize the latest checkpoint's tree size, null without checkpoint
     * @param reason             what failed first, null when valid
     * @param checkpointMismatch the first checkpoint the ledger no longer matches, null when none
     */
    public record Report(boolean valid, long treeSize, String rootHash, Long firstInvalidIndex,
                         Long checkpointTreeSize, String reason, CheckpointMismatch checkpointMismatch) {
    }

    /**
     * A checkpoint whose tree size the ledger reaches but whose root it no longer gives.
     *
     * @param treeSize          the checkpoint's tree size
     * @param signedAt          when it was signed
     * @param changedFromIndex  the size of the last checkpoint the ledger still matches: the change lies in the
     *                          entries from this index to {@code treeSize - 1}
     */
    public record CheckpointMismatch(long treeSize, Instant signedAt, long changedFromIndex) {
    }

    public Report verify() {
        tree.catchUp();
        List<SignedCheckpoint> all = checkpoints.all();
        Optional<SignedCheckpoint> latest = checkpoints.latest();
        Pass pass = new Pass(all);
        readOnly.executeWithoutResult(status -> streaming.query(
                "SELECT " + AuditLedger.COLUMNS + " FROM audit_entry ORDER BY ledger_index",
                rs -> {
                    pass.accept(AuditLedger.ROW.mapRow(rs, 0));
                }));
        pass.finish();
        Long first = pass.first;
        String reason = pass.reason;
        if (first == null && pass.mismatch != null) {
            first = pass.mismatch.changedFromIndex();
            reason = pass.mismatchReason;
        }
        boolean signatureValid = latest.map(c -> c.verifiesWith(trustedKey)).orElse(true);
        if (!signatureValid && reason == null) {
            reason = "the latest checkpoint's signature does not verify with this service's key";
        }
        return new Report(first == null && signatureValid, pass.position, Hex.encode(pass.accumulator.root()),
                          first, latest.map(SignedCheckpoint::treeSize).orElse(null), reason, pass.mismatch);
    }

    /** One pass over the rows in index order. */
    private final class Pass {
        final RootAccumulator accumulator = new RootAccumulator();
        final List<SignedCheckpoint> checkpoints;
        /** The leaves this instance saw committed in its newest tile; older ones by their tile's hash. */
        final LedgerTree.Newest newest;
        final long committedSize;
        /** The stored leaf hashes of the tile being read, and whether an entry in it failed on its own. */
        final List<byte[]> tileLeaves = new ArrayList<>(LedgerTree.TILE_SIZE);
        boolean tileFailed;
        int nextCheckpoint;
        long lastMatchingCheckpoint;
        long position;
        Long first;
        String reason;
        CheckpointMismatch mismatch;
        String mismatchReason;

        Pass(List<SignedCheckpoint> checkpoints) {
            this.checkpoints = checkpoints;
            this.newest = tree.newest();
            this.committedSize = newest.start() + newest.leafHashes().size();
            compareCheckpoints();
        }

        void accept(AuditLedger.StoredEntry row) {
            if (row.index() != position) {
                fail(position, row.index() > position
                        ? "entry " + position + " is missing (the next stored entry is " + row.index() + ")"
                        : "entry " + row.index() + " is stored out of place");
            }
            byte[] leaf;
            try {
                leaf = row.toEntry().leafHash();
            } catch (IllegalArgumentException e) {
                fail(position, "the stored entry cannot be canonicalized: " + e.getMessage());
                leaf = row.leafHash();
            }
            if (!Arrays.equals(leaf, row.leafHash())) {
                fail(position, "the stored fields no longer give the stored leaf hash");
            } else if (position >= newest.start() && position < committedSize
                    && !Arrays.equals(leaf, newest.leafHashes().get((int) (position - newest.start())))) {
                fail(position, "the entry differs from the one appended at this index");
            }
            compareTile(row.leafHash());
            accumulator.add(leaf);
            position++;
            compareCheckpoints();
        }

        /**
         * Collects the stored leaf hashes of an older tile and compares the tile's hash with the one this instance
         * computed when it appended them. Only a tile where no entry failed on its own is reported: that entry is
         * the more precise answer.
         */
        void compareTile(byte[] storedLeaf) {
            if (position >= newest.start()) {
                return;
            }
            tileLeaves.add(storedLeaf == null ? new byte[0] : storedLeaf);
            if (tileLeaves.size() < LedgerTree.TILE_SIZE) {
                return;
            }
            long tile = position / LedgerTree.TILE_SIZE;
            long start = tile * LedgerTree.TILE_SIZE;
            if (!tileFailed && !Arrays.equals(Merkle.root(tileLeaves), tree.tileHash(tile))) {
                fail(start, "an entry from " + start + " to " + (start + LedgerTree.TILE_SIZE - 1) + " differs from "
                        + "the one appended there: the stored leaf hashes of these entries no longer give the hash "
                        + "this instance computed for them (a row rewritten together with its leaf hash)");
            }
            tileLeaves.clear();
            tileFailed = false;
        }

        void compareCheckpoints() {
            while (nextCheckpoint < checkpoints.size() && checkpoints.get(nextCheckpoint).treeSize() <= position) {
                SignedCheckpoint checkpoint = checkpoints.get(nextCheckpoint++);
                if (checkpoint.treeSize() != position) {
                    continue;
                }
                if (Arrays.equals(accumulator.root(), checkpoint.rootHash())) {
                    lastMatchingCheckpoint = position;
                } else if (mismatch == null) {
                    mismatch = new CheckpointMismatch(position, checkpoint.signedAt(), lastMatchingCheckpoint);
                    mismatchReason = "the ledger's first " + position
                            + " entries no longer match the checkpoint signed at " + checkpoint.signedAt()
                            + " (the change lies in entries " + lastMatchingCheckpoint + " to " + (position - 1) + ")";
                }
            }
        }

        void finish() {
            if (nextCheckpoint < checkpoints.size()) {
                SignedCheckpoint beyond = checkpoints.get(checkpoints.size() - 1);
                fail(position, "the ledger ends at " + position + " but a checkpoint signed " + beyond.treeSize()
                        + " entries");
            }
        }

        void fail(long index, String why) {
            tileFailed = true;
            if (first == null || index < first) {
                first = index;
                reason = why;
            }
        }
    }
}
