package io.incidenttracker.audit.verify;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 §2.1 with SHA-256: leaf hash = SHA-256(0x00 || leaf), node hash =
 * SHA-256(0x01 || left || right); a tree over n &gt; 1 leaves splits at k, the largest power of two smaller than n.
 * Proof generation (§2.1.3.1, §2.1.4.1) works on any {@link SubtreeHashes}; verification (§2.1.3.2, §2.1.4.2)
 * needs nothing but the proof.
 */
public final class Merkle {

    public static final int HASH_SIZE = 32;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    });

    private Merkle() {
    }

    /** Hashes of complete subtrees: those that cover [start, start + 2^h) with start a multiple of 2^h. */
    public interface SubtreeHashes {

        /** Number of leaves. */
        long size();

        /** The hash of the complete subtree of height {@code height} at position {@code position} in its level. */
        byte[] subtree(int height, long position);
    }

    public static byte[] leafHash(byte[] leaf) {
        MessageDigest digest = SHA256.get();
        digest.update((byte) 0x00);
        return digest.digest(leaf);
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = SHA256.get();
        digest.update((byte) 0x01);
        digest.update(left);
        return digest.digest(right);
    }

    /** SHA-256 of nothing: the root of the empty tree. */
    public static byte[] emptyRoot() {
        return SHA256.get().digest(new byte[0]);
    }

    /** The largest power of two strictly smaller than n (n &gt; 1). */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** MTH(D[n]) from the leaf hashes, for small trees and tests. */
    public static byte[] root(List<byte[]> leafHashes) {
        return root(leafHashes, 0, leafHashes.size());
    }

    private static byte[] root(List<byte[]> leaves, int start, int end) {
        int n = end - start;
        if (n == 0) {
            return emptyRoot();
        }
        if (n == 1) {
            return leaves.get(start);
        }
        int k = (int) split(n);
        return nodeHash(root(leaves, start, start + k), root(leaves, start + k, end));
    }

    /** MTH(D[start:end]) taken from complete subtrees: O(log n) lookups for the ranges RFC 9162 recursion yields. */
    public static byte[] rangeHash(SubtreeHashes tree, long start, long end) {
        long n = end - start;
        if (n <= 0 || end > tree.size()) {
            throw new IllegalArgumentException("no subtree [" + start + ", " + end + ") in a tree of " + tree.size());
        }
        if (Long.bitCount(n) == 1 && start % n == 0) {
            return tree.subtree(Long.numberOfTrailingZeros(n), start / n);
        }
        long k = split(n);
        return nodeHash(rangeHash(tree, start, start + k), rangeHash(tree, start + k, end));
    }

    /** The root hash of the tree's first {@code size} leaves. */
    public static byte[] rootHash(SubtreeHashes tree, long size) {
        if (size == 0) {
            return emptyRoot();
        }
        return rangeHash(tree, 0, size);
    }

    /** PATH(index, D[size]) of RFC 9162 §2.1.3.1: the inclusion proof of a leaf in the tree's first size leaves. */
    public static List<byte[]> inclusionProof(SubtreeHashes tree, long index, long size) {
        if (index < 0 || index >= size || size > tree.size()) {
            throw new IllegalArgumentException("no leaf " + index + " in a tree of " + size);
        }
        List<byte[]> proof = new ArrayList<>();
        path(tree, index, 0, size, proof);
        return proof;
    }

    private static void path(SubtreeHashes tree, long m, long start, long end, List<byte[]> proof) {
        long n = end - start;
        if (n <= 1) {
            return;
        }
        long k = split(n);
        if (m < k) {
            path(tree, m, start, start + k, proof);
            proof.add(rangeHash(tree, start + k, end));
        } else {
            path(tree, m - k, start + k, end, proof);
            proof.add(rangeHash(tree, start, start + k));
        }
    }

    /** PROOF(m, D[n]) of RFC 9162 §2.1.4.1: the consistency proof between the first m and the first n leaves. */
    public static List<byte[]> consistencyProof(SubtreeHashes tree, long m, long n) {
        if (m <= 0 || m > n || n > tree.size()) {
            throw new IllegalArgumentException("no consistency proof from " + m + " to " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(tree, m, 0, n, true, proof);
        return proof;
    }

    private static void subproof(SubtreeHashes tree, long m, long start, long end, boolean b, List<byte[]> proof) {
        long n = end - start;
        if (m == n) {
            if (!b) {
                proof.add(rangeHash(tree, start, end));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(tree, m, start, start + k, b, proof);
            proof.add(rangeHash(tree, start + k, end));
        } else {
            subproof(tree, m - k, start + k, end, false, proof);
            proof.add(rangeHash(tree, start, start + k));
        }
    }

    /** Verifies an inclusion proof as RFC 9162 §2.1.3.2 describes. */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) {
        byte[] computed = rootFromInclusionProof(index, size, leafHash, proof);
        return computed != null && MessageDigest.isEqual(computed, root);
    }

    /** The root an inclusion proof leads to, or null if the proof cannot belong to that index and size. */
    public static byte[] rootFromInclusionProof(long index, long size, byte[] leafHash, List<byte[]> proof) {
        if (index < 0 || index >= size || leafHash == null || leafHash.length != HASH_SIZE) {
            return null;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (p == null || p.length != HASH_SIZE || sn == 0) {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }

    /**
     * Verifies a consistency proof as RFC 9162 §2.1.4.2 describes. Equal sizes need an empty proof and equal roots;
     * the empty tree is consistent with every tree.
     */
    public static boolean verifyConsistency(long first, long second, byte[] firstHash, byte[] secondHash,
                                            List<byte[]> proof) {
        if (first < 0 || second < first || firstHash == null || secondHash == null) {
            return false;
        }
        if (first == second) {
            return proof.isEmpty() && MessageDigest.isEqual(firstHash, secondHash);
        }
        if (first == 0) {
            return proof.isEmpty();
        }
        if (proof.isEmpty()) {
            return false;
        }
        for (byte[] p : proof) {
            if (p == null || p.length != HASH_SIZE) {
                return false;
            }
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(first) == 1) {
            path.add(0, firstHash);
        }
        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return MessageDigest.isEqual(fr, firstHash) && MessageDigest.isEqual(sr, secondHash) && sn == 0;
    }

    /** Hex-decodes a proof. */
    public static List<byte[]> decodeProof(List<String> hexHashes) {
        List<byte[]> proof = new ArrayList<>(hexHashes.size());
        for (String hex : hexHashes) {
            proof.add(Hex.decodeHash(hex));
        }
        return proof;
    }

    /** Hex-encodes a proof. */
    public static List<String> encodeProof(List<byte[]> proof) {
        return proof.stream().map(Hex::encode).toList();
    }

    static byte[] copy(byte[] hash) {
        return Arrays.copyOf(hash, hash.length);
    }
}
