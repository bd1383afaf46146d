package io.incidenttracker.audit.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only Merkle tree in memory that keeps every complete subtree hash, so that any root, inclusion proof or
 * consistency proof up to its size takes O(log n) lookups. Hashes live in fixed-size chunks per level (no object per
 * hash, no large copies while growing): about 64 bytes per leaf in all, and one chunk per level at least. Safe for
 * one writer and many readers.
 */
public final class MerkleTree implements Merkle.SubtreeHashes {

    private static final int DEFAULT_CHUNK_BITS = 14;

    private final int chunkBits;
    private final int chunkHashes;
    /** levels.get(h) holds the hashes of the complete subtrees of 2^h leaves, left to right. */
    private final List<List<byte[]>> levels = new ArrayList<>();
    private volatile long size;

    /** Chunks of 16,384 hashes (512 KiB): for trees of many leaves. */
    public MerkleTree() {
        this(DEFAULT_CHUNK_BITS);
    }

    /** Chunks of 2^{@code chunkBits} hashes: small chunks for a tree that stays small or grows slowly. */
    public MerkleTree(int chunkBits) {
        if (chunkBits < 0 || chunkBits > 20) {
            throw new IllegalArgumentException("chunk bits from 0 to 20");
        }
        this.chunkBits = chunkBits;
        this.chunkHashes = 1 << chunkBits;
    }

    @Override
    public long size() {
        return size;
    }

    /** Appends a leaf hash and completes every subtree it closes. */
    public synchronized void append(byte[] leafHash) {
        if (leafHash.length != Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("a leaf hash has 32 bytes");
        }
        long index = size;
        put(0, index, leafHash);
        int height = 0;
        byte[] hash = leafHash;
        while ((index & 1) == 1) {
            hash = Merkle.nodeHash(get(height, index - 1), hash);
            index >>= 1;
            height++;
            put(height, index, hash);
        }
        size = size + 1;
    }

    @Override
    public byte[] subtree(int height, long position) {
        if (height >= levels.size() || ((position + 1) << height) > size) {
            throw new IllegalArgumentException("no complete subtree of height " + height + " at " + position);
        }
        return get(height, position);
    }

    /** The leaf hash at an index. */
    public byte[] leaf(long index) {
        return subtree(0, index);
    }

    public byte[] rootHash() {
        return Merkle.rootHash(this, size);
    }

    private synchronized byte[] get(int height, long position) {
        byte[] chunk = levels.get(height).get((int) (position >>> chunkBits));
        int offset = (int) (position & (chunkHashes - 1)) * Merkle.HASH_SIZE;
        byte[] hash = new byte[Merkle.HASH_SIZE];
        System.arraycopy(chunk, offset, hash, 0, Merkle.HASH_SIZE);
        return hash;
    }

    private void put(int height, long position, byte[] hash) {
        while (levels.size() <= height) {
            levels.add(new ArrayList<>());
        }
        List<byte[]> level = levels.get(height);
        int chunkIndex = (int) (position >>> chunkBits);
        while (level.size() <= chunkIndex) {
            level.add(new byte[chunkHashes * Merkle.HASH_SIZE]);
        }
        int offset = (int) (position & (chunkHashes - 1)) * Merkle.HASH_SIZE;
        System.arraycopy(hash, 0, level.get(chunkIndex), offset, Merkle.HASH_SIZE);
    }
}
