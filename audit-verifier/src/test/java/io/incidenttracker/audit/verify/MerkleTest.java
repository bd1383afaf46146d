package io.incidenttracker.audit.verify;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 6962 / RFC 9162 hashing and proofs against the published test vectors of the certificate-transparency
 * reference implementation (as kept in transparency-dev/merkle): eight leaves, the roots of every prefix, and known
 * inclusion and consistency proofs. Then forged proofs, and proofs of larger trees against a naive reference.
 */
class MerkleTest {

    static final String[] LEAVES = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
            "606162636465666768696a6b6c6d6e6f"};

    /** Roots of the trees over the first 1..8 leaves. */
    static final String[] ROOTS = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

    static final String EMPTY_ROOT = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    record InclusionVector(long index, long size, String... proof) {
    }

    record ConsistencyVector(long first, long second, String... proof) {
    }

    static final List<InclusionVector> INCLUSION = List.of(
            new InclusionVector(0, 1),
            new InclusionVector(0, 8,
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            new InclusionVector(5, 8,
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            new InclusionVector(2, 3,
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
            new InclusionVector(1, 5,
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"));

    static final List<ConsistencyVector> CONSISTENCY = List.of(
            new ConsistencyVector(1, 1),
            new ConsistencyVector(1, 8,
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
            new ConsistencyVector(6, 8,
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
            new ConsistencyVector(2, 5,
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            new ConsistencyVector(6, 7,
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"));

    static MerkleTree vectorTree() {
        MerkleTree tree = new MerkleTree();
        for (String leaf : LEAVES) {
            tree.append(Merkle.leafHash(Hex.decode(leaf)));
        }
        return tree;
    }

    static byte[] leafHash(long index) {
        return Merkle.leafHash(Hex.decode(LEAVES[(int) index]));
    }

    static byte[] root(long size) {
        return Hex.decode(ROOTS[(int) size - 1]);
    }

    @Test
    void computesThePublishedRootOfEveryPrefix() {
        MerkleTree tree = vectorTree();
        RootAccumulator accumulator = new RootAccumulator();
        List<byte[]> leafHashes = new ArrayList<>();
        assertThat(Hex.encode(Merkle.rootHash(tree, 0))).isEqualTo(EMPTY_ROOT);
        assertThat(Hex.encode(accumulator.root())).isEqualTo(EMPTY_ROOT);
        for (int size = 1; size <= 8; size++) {
            leafHashes.add(leafHash(size - 1));
            accumulator.add(leafHash(size - 1));
            assertThat(Hex.encode(Merkle.rootHash(tree, size))).as("tree size %d", size).isEqualTo(ROOTS[size - 1]);
            assertThat(Hex.encode(Merkle.root(leafHashes))).isEqualTo(ROOTS[size - 1]);
            assertThat(Hex.encode(accumulator.root())).isEqualTo(ROOTS[size - 1]);
        }
    }

    @Test
    void generatesAndVerifiesThePublishedInclusionProofs() {
        MerkleTree tree = vectorTree();
        for (InclusionVector vector : INCLUSION) {
            List<String> generated = Merkle.encodeProof(Merkle.inclusionProof(tree, vector.index(), vector.size()));
            assertThat(generated).as("leaf %d of %d", vector.index(), vector.size()).containsExactly(vector.proof());
            assertThat(Merkle.verifyInclusion(vector.index(), vector.size(), leafHash(vector.index()),
                                              Merkle.decodeProof(List.of(vector.proof())), root(vector.size())))
                    .isTrue();
        }
    }

    @Test
    void generatesAndVerifiesThePublishedConsistencyProofs() {
        MerkleTree tree = vectorTree();
        for (ConsistencyVector vector : CONSISTENCY) {
            List<String> generated = Merkle.encodeProof(
                    Merkle.consistencyProof(tree, vector.first(), vector.second()));
            assertThat(generated).as("%d to %d", vector.first(), vector.second()).containsExactly(vector.proof());
            assertThat(Merkle.verifyConsistency(vector.first(), vector.second(), root(vector.first()),
                                                root(vector.second()), Merkle.decodeProof(List.of(vector.proof()))))
                    .isTrue();
        }
    }

    @Test
    void rejectsForgedInclusionProofs() {
        byte[] someHash = Hex.decode("abacaba000000000000000000000000000000000000000000060061e00123456");
        for (InclusionVector vector : INCLUSION) {
            long index = vector.index();
            long size = vector.size();
            List<byte[]> proof = Merkle.decodeProof(List.of(vector.proof()));
            byte[] leaf = leafHash(index);
            byte[] root = root(size);
            assertThat(Merkle.verifyInclusion(index + 1, size, leaf, proof, root)).isFalse();
            if (index > 0) {
                assertThat(Merkle.verifyInclusion(index - 1, size, leaf, proof, root)).isFalse();
            }
            assertThat(Merkle.verifyInclusion(index ^ 2, size, leaf, proof, root)).isFalse();
            assertThat(Merkle.verifyInclusion(index, size * 2, leaf, proof, root)).isFalse();
            assertThat(Merkle.verifyInclusion(index, size / 2, leaf, proof, root)).isFalse();
            assertThat(Merkle.verifyInclusion(index, size, someHash, proof, root)).isFalse();
            assertThat(Merkle.verifyInclusion(index, size, leaf, proof, Hex.decode(EMPTY_ROOT))).isFalse();
            assertThat(Merkle.verifyInclusion(index, size, leaf, with(proof, root, false), root)).isFalse();
            assertThat(Merkle.verifyInclusion(index, size, leaf, with(proof, root, true), root)).isFalse();
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> flipped = new ArrayList<>(proof);
                byte[] changed = flipped.get(i).clone();
                changed[0] ^= 8;
                flipped.set(i, changed);
                assertThat(Merkle.verifyInclusion(index, size, leaf, flipped, root)).isFalse();
            }
            if (!proof.isEmpty()) {
                assertThat(Merkle.verifyInclusion(index, size, leaf, proof.subList(0, proof.size() - 1), root))
                        .isFalse();
            }
        }
    }

    @Test
    void rejectsForgedConsistencyProofs() {
        for (ConsistencyVector vector : CONSISTENCY) {
            if (vector.proof().length == 0) {
                continue;
            }
            long m = vector.first();
            long n = vector.second();
            List<byte[]> proof = Merkle.decodeProof(List.of(vector.proof()));
            byte[] r1 = root(m);
            byte[] r2 = root(n);
            assertThat(Merkle.verifyConsistency(m - 1, n, r1, r2, proof)).isFalse();
            assertThat(Merkle.verifyConsistency(m + 1, n, r1, r2, proof)).isFalse();
            assertThat(Merkle.verifyConsistency(m, n * 2, r1, r2, proof)).isFalse();
            assertThat(Merkle.verifyConsistency(m, n, r2, r1, proof)).isFalse();
            assertThat(Merkle.verifyConsistency(m, n, r1, r2, List.of())).isFalse();
            assertThat(Merkle.verifyConsistency(m, n, r1, r2, with(proof, r1, false))).isFalse();
            assertThat(Merkle.verifyConsistency(m, n, r1, r2, with(proof, r2, true))).isFalse();
            assertThat(Merkle.verifyConsistency(m, n, r1, r2, proof.subList(0, proof.size() - 1))).isFalse();
            for (int i = 0; i < proof.size(); i++) {
                List<byte[]> flipped = new ArrayList<>(proof);
                byte[] changed = flipped.get(i).clone();
                changed[0] ^= 16;
                flipped.set(i, changed);
                assertThat(Merkle.verifyConsistency(m, n, r1, r2, flipped)).isFalse();
            }
        }
        byte[] some = root(3);
        assertThat(Merkle.verifyConsistency(1, 1, some, root(2), List.of())).isFalse();
        assertThat(Merkle.verifyConsistency(2, 1, some, some, List.of())).isFalse();
    }

    @Test
    void agreesWithTheNaiveDefinitionOnLargerTrees() {
        Random random = new Random(42);
        MerkleTree tree = new MerkleTree();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] data = new byte[random.nextInt(40)];
            random.nextBytes(data);
            byte[] hash = Merkle.leafHash(data);
            tree.append(hash);
            leaves.add(hash);
        }
        for (int size = 1; size <= 300; size += 1 + random.nextInt(7)) {
            byte[] expectedRoot = Merkle.root(leaves.subList(0, size));
            assertThat(Merkle.rootHash(tree, size)).isEqualTo(expectedRoot);
            for (int probe = 0; probe < 5; probe++) {
                int index = random.nextInt(size);
                assertThat(Merkle.verifyInclusion(index, size, leaves.get(index),
                                                  Merkle.inclusionProof(tree, index, size), expectedRoot)).isTrue();
                int first = 1 + random.nextInt(size);
                assertThat(Merkle.verifyConsistency(first, size, Merkle.root(leaves.subList(0, first)), expectedRoot,
                                                    Merkle.consistencyProof(tree, first, size))).isTrue();
            }
        }
    }

    private static List<byte[]> with(List<byte[]> proof, byte[] extra, boolean front) {
        List<byte[]> changed = new ArrayList<>(proof);
        if (front) {
            changed.add(0, extra);
        } else {
            changed.add(extra);
        }
        return changed;
    }
}
