package io.incidenttracker.audit.verify;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Computes RFC 9162 root hashes while leaves stream by, in O(log n) memory: it keeps the roots of the complete
 * subtrees that make up the leaves so far (largest on the left), merging two equal ones as soon as they exist.
 */
public final class RootAccumulator {

    private final Deque<byte[]> hashes = new ArrayDeque<>();
    private final Deque<Long> sizes = new ArrayDeque<>();
    private long size;

    public void add(byte[] leafHash) {
        byte[] hash = leafHash;
        long subtreeSize = 1;
        while (!sizes.isEmpty() && sizes.peekLast() == subtreeSize) {
            hash = Merkle.nodeHash(hashes.removeLast(), hash);
            subtreeSize += sizes.removeLast();
        }
        hashes.addLast(hash);
        sizes.addLast(subtreeSize);
        size++;
    }

    public long size() {
        return size;
    }

    /** The root over every leaf added so far. */
    public byte[] root() {
        if (size == 0) {
            return Merkle.emptyRoot();
        }
        Iterator<byte[]> fromRight = hashes.descendingIterator();
        byte[] root = fromRight.next();
        while (fromRight.hasNext()) {
            root = Merkle.nodeHash(fromRight.next(), root);
        }
        return root;
    }
}
