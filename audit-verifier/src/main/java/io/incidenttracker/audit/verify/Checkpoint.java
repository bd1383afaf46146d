package io.incidenttracker.audit.verify;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A signed tree head in the C2SP tlog-checkpoint form: three lines, each ending in a newline: the origin (the log's
 * name), the tree size in decimal, the root hash in standard base64. The signature covers exactly these bytes.
 */
public record Checkpoint(String origin, long treeSize, byte[] rootHash) {

    public Checkpoint {
        if (origin == null || origin.isEmpty() || origin.contains("\n")) {
            throw new IllegalArgumentException("the origin is one non-empty line");
        }
        if (treeSize < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        if (rootHash == null || rootHash.length != Merkle.HASH_SIZE) {
            throw new IllegalArgumentException("a root hash has 32 bytes");
        }
        rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    public String text() {
        return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the exact form {@link #text()} writes, nothing more and nothing less. */
    public static Checkpoint parse(String text) {
        if (text == null || !text.endsWith("\n")) {
            throw new IllegalArgumentException("a checkpoint ends with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length != 3) {
            throw new IllegalArgumentException("a checkpoint has exactly three lines, found " + lines.length);
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("the tree size is not a decimal number: " + lines[1]);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the root hash is not standard base64");
        }
        Checkpoint checkpoint = new Checkpoint(lines[0], Long.parseLong(lines[1]), root);
        if (!checkpoint.text().equals(text)) {
            throw new IllegalArgumentException("the checkpoint is not in canonical form");
        }
        return checkpoint;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Checkpoint that && origin.equals(that.origin) && treeSize == that.treeSize
                && Arrays.equals(rootHash, that.rootHash);
    }

    @Override
    public int hashCode() {
        return origin.hashCode() * 31 + Long.hashCode(treeSize);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", " + treeSize + ", " + Hex.encode(rootHash) + "]";
    }
}
