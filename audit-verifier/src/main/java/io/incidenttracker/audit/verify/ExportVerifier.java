package io.incidenttracker.audit.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Checks an export (see {@link AuditExport}) against a public key the verifier trusts, with nothing but the export:
 * the checkpoint's signature, then every entry's leaf hash recomputed from its fields and its inclusion proof
 * against the signed root, the indexes (a range export must be contiguous and complete; an incident export must
 * hold the incident's events in index order with sequences 0, 1, 2, ... without a hole), and the end line.
 */
public final class ExportVerifier {

    /**
     * The outcome.
     *
     * @param firstInvalidIndex the ledger index of the first entry that fails, or null if the failure concerns the
     *                          export as a whole (header, checkpoint, end line)
     */
    public record Result(boolean valid, Long firstInvalidIndex, String reason, long entries, Checkpoint checkpoint) {

        static Result valid(long entries, Checkpoint checkpoint) {
            return new Result(true, null, null, entries, checkpoint);
        }

        static Result invalid(Long index, String reason, long entries, Checkpoint checkpoint) {
            return new Result(false, index, reason, entries, checkpoint);
        }
    }

    private final byte[] trustedPublicKey;

    public ExportVerifier(byte[] trustedPublicKey) {
        this.trustedPublicKey = Ed25519.rawFromEncoded(trustedPublicKey);
    }

    public Result verify(BufferedReader export) throws IOException {
        LineReader lines = new LineReader(export);
        Map<String, Object> header;
        try {
            header = lines.next("header");
        } catch (IllegalArgumentException e) {
            return Result.invalid(null, e.getMessage(), 0, null);
        }
        if (!AuditExport.FORMAT.equals(header.get("format"))) {
            return Result.invalid(null, "unknown export format " + header.get("format"), 0, null);
        }
        Object scope = header.get("scope");
        boolean range = AuditExport.SCOPE_RANGE.equals(scope);
        if (!range && !AuditExport.SCOPE_INCIDENT.equals(scope)) {
            return Result.invalid(null, "unknown export scope " + scope, 0, null);
        }

        Checkpoint checkpoint;
        try {
            checkpoint = checkCheckpoint(lines.next("checkpoint"));
        } catch (IllegalArgumentException e) {
            return Result.invalid(null, e.getMessage(), 0, null);
        }
        long treeSize = checkpoint.treeSize();
        byte[] root = checkpoint.rootHash();

        long fromIndex = 0;
        long toIndex = 0;
        String incidentId = null;
        if (range) {
            if (!(header.get("fromIndex") instanceof Long from) || !(header.get("toIndex") instanceof Long to)
                    || from < 0 || to < from || to > treeSize) {
                return Result.invalid(null, "the header's index range does not fit the checkpoint", 0, checkpoint);
            }
            fromIndex = from;
            toIndex = to;
        } else {
            if (!(header.get("incidentId") instanceof String id)) {
                return Result.invalid(null, "the header names no incident", 0, checkpoint);
            }
            incidentId = id;
        }

        long count = 0;
        long previousIndex = -1;
        long expectedSequence = 0;
        while (true) {
            Map<String, Object> line;
            try {
                line = lines.next(null);
            } catch (IllegalArgumentException e) {
                return Result.invalid(range ? fromIndex + count : null, e.getMessage(), count, checkpoint);
            }
            if (line == null) {
                return Result.invalid(range ? fromIndex + count : null, "the export ends without its end line",
                                      count, checkpoint);
            }
            Object kind = line.get("kind");
            if ("end".equals(kind)) {
                if (!(line.get("entries") instanceof Long declared) || declared != count) {
                    return Result.invalid(null, "the end line does not state the " + count + " entries read",
                                          count, checkpoint);
                }
                if (range && count != toIndex - fromIndex) {
                    return Result.invalid(fromIndex + count, "entries missing: the range ends at " + toIndex,
                                          count, checkpoint);
                }
                boolean trailing;
                try {
                    trailing = lines.next(null) != null;
                } catch (IllegalArgumentException e) {
                    trailing = true;
                }
                if (trailing) {
                    return Result.invalid(null, "content after the end line", count, checkpoint);
                }
                return Result.valid(count, checkpoint);
            }
            if (!"entry".equals(kind)) {
                return Result.invalid(null, "unexpected line of kind " + kind, count, checkpoint);
            }
            Long expectedIndex = range ? fromIndex + count : null;
            LedgerEntry entry;
            String leafHash;
            List<byte[]> proof;
            try {
                if (!(line.get("entry") instanceof Map<?, ?> json)) {
                    throw new IllegalArgumentException("an entry line carries no entry");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) json;
                entry = LedgerEntry.fromJson(fields);
                leafHash = fields.get(LedgerEntry.LEAF_HASH) instanceof String hash ? hash : null;
                proof = proof(line.get("inclusionProof"));
            } catch (IllegalArgumentException e) {
                return Result.invalid(expectedIndex, "unreadable entry: " + e.getMessage(), count, checkpoint);
            }
            long index = entry.index();
            if (range && index != expectedIndex) {
                return Result.invalid(Math.min(index, expectedIndex), "expected index " + expectedIndex
                        + " but found " + index, count, checkpoint);
            }
            if (!range) {
                if (index <= previousIndex) {
                    return Result.invalid(index, "indexes out of order", count, checkpoint);
                }
                if (!incidentId.equals(entry.incidentId())) {
                    return Result.invalid(index, "entry of another incident " + entry.incidentId(), count,
                                          checkpoint);
                }
                if (entry.sequence() != expectedSequence) {
                    return Result.invalid(index, "expected the incident's sequence " + expectedSequence
                            + " but found " + entry.sequence(), count, checkpoint);
                }
            }
            if (index >= treeSize) {
                return Result.invalid(index, "index beyond the checkpoint's tree size " + treeSize, count,
                                      checkpoint);
            }
            byte[] computed;
            try {
                computed = entry.leafHash();
            } catch (IllegalArgumentException e) {
                return Result.invalid(index, "entry cannot be canonicalized: " + e.getMessage(), count, checkpoint);
            }
            if (leafHash != null && !Hex.encode(computed).equals(leafHash)) {
                return Result.invalid(index, "leafHash does not match the entry's fields", count, checkpoint);
            }
            if (!Merkle.verifyInclusion(index, treeSize, computed, proof, root)) {
                return Result.invalid(index, "the entry is not in the signed tree (inclusion proof fails)", count,
                                      checkpoint);
            }
            previousIndex = index;
            expectedSequence++;
            count++;
        }
    }

    private Checkpoint checkCheckpoint(Map<String, Object> line) {
        if (!(line.get("checkpoint") instanceof String text)) {
            throw new IllegalArgumentException("the checkpoint line carries no checkpoint text");
        }
        Checkpoint checkpoint = Checkpoint.parse(text);
        if (!(line.get("signature") instanceof String signature)) {
            throw new IllegalArgumentException("the checkpoint carries no signature");
        }
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the checkpoint signature is not base64");
        }
        if (line.get("publicKey") instanceof String key) {
            byte[] stated;
            try {
                stated = Base64.getDecoder().decode(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the checkpoint's publicKey is not base64");
            }
            if (!Arrays.equals(stated, trustedPublicKey)) {
                throw new IllegalArgumentException("the checkpoint names another public key than the trusted one");
            }
        }
        if (!Ed25519.verify(trustedPublicKey, text.getBytes(StandardCharsets.UTF_8), signatureBytes)) {
            throw new IllegalArgumentException("the checkpoint signature does not verify with the trusted key");
        }
        if (!(line.get("treeSize") instanceof Long size) || size != checkpoint.treeSize()) {
            throw new IllegalArgumentException("treeSize differs from the signed checkpoint");
        }
        if (!(line.get("rootHash") instanceof String rootHash)
                || !rootHash.equals(Hex.encode(checkpoint.rootHash()))) {
            throw new IllegalArgumentException("rootHash differs from the signed checkpoint");
        }
        return checkpoint;
    }

    private static List<byte[]> proof(Object value) {
        if (!(value instanceof List<?> hashes)) {
            throw new IllegalArgumentException("no inclusionProof");
        }
        return Merkle.decodeProof(hashes.stream().map(h -> {
            if (!(h instanceof String s)) {
                throw new IllegalArgumentException("a proof hash is a hex string");
            }
            return s;
        }).toList());
    }

    /** Reads the export's lines as JSON objects, skipping nothing but a trailing empty line. */
    private static final class LineReader {
        private final BufferedReader reader;
        private long number;

        LineReader(BufferedReader reader) {
            this.reader = reader;
        }

        Map<String, Object> next(String expectedKind) throws IOException {
            String line = reader.readLine();
            while (line != null && line.isEmpty()) {
                line = reader.readLine();
                if (line != null) {
                    throw new IllegalArgumentException("empty line " + number + " inside the export");
                }
            }
            if (line == null) {
                if (expectedKind != null) {
                    throw new IllegalArgumentException("the export ends before its " + expectedKind + " line");
                }
                return null;
            }
            number++;
            Map<String, Object> json;
            try {
                json = Json.parseObject(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + " is not a JSON object: " + e.getMessage());
            }
            if (expectedKind != null && !expectedKind.equals(json.get("kind"))) {
                throw new IllegalArgumentException("line " + number + " should be the " + expectedKind + " line");
            }
            return json;
        }
    }
}
