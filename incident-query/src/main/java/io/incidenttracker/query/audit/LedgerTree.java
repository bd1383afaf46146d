package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.audit.verify.MerkleTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The Merkle tree of the committed ledger, in memory with every complete subtree hash (about 64 bytes per entry),
 * so that roots and proofs take O(log n) lookups. Built from the table at start, then caught up with newly committed
 * rows on use. It keeps the leaf hashes as they were first committed: a later change to a stored row does not reach
 * it, which is how the verification can point at exactly the changed entry.
 */
public class LedgerTree implements Merkle.SubtreeHashes {

    private static final Logger log = LoggerFactory.getLogger(LedgerTree.class);
    private static final int PAGE = 10_000;

    private final AuditLedger ledger;
    private final MerkleTree tree = new MerkleTree();

    public LedgerTree(AuditLedger ledger) {
        this.ledger = ledger;
    }

    /** Adds every row committed since the last call; stops at a hole (which the verification reports). */
    public synchronized long catchUp() {
        long before = tree.size();
        while (true) {
            List<AuditLedger.IndexedHash> page = ledger.leafHashes(tree.size(), PAGE);
            for (AuditLedger.IndexedHash row : page) {
                if (row.index() != tree.size()) {
                    log.error("The audit ledger has no entry {} but one at {}; the tree stops before the hole",
                              tree.size(), row.index());
                    return tree.size();
                }
                tree.append(row.hash());
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (before == 0 && tree.size() > 0) {
            log.info("Audit ledger tree loaded: {} entries", tree.size());
        }
        return tree.size();
    }

    @Override
    public long size() {
        return tree.size();
    }

    @Override
    public byte[] subtree(int height, long position) {
        return tree.subtree(height, position);
    }

    public byte[] leafHash(long index) {
        return tree.leaf(index);
    }

    public byte[] rootHash(long size) {
        return Merkle.rootHash(tree, size);
    }

    public List<byte[]> inclusionProof(long index, long size) {
        return Merkle.inclusionProof(tree, index, size);
    }

    public List<byte[]> consistencyProof(long from, long to) {
        return Merkle.consistencyProof(tree, from, to);
    }
}
