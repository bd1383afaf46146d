package io.incidenttracker.audit.verify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The export format, one JSON object per line (NDJSON), each with a {@code kind}:
 * <ol>
 *     <li>{@code header}: format, scope ({@code range} with fromIndex and toIndex, or {@code incident} with
 *     incidentId), exportedAt;</li>
 *     <li>{@code checkpoint}: treeSize, rootHash, signedAt, checkpoint, signature, publicKey, as
 *     {@code GET /api/audit/checkpoint} answers;</li>
 *     <li>{@code entry}, once per entry in index order: the entry as the API returns it (with leafHash) and its
 *     RFC 9162 inclusion proof against the checkpoint (hex hashes);</li>
 *     <li>{@code end}: the number of entries, so that a cut-off export is recognised.</li>
 * </ol>
 * Lines are written in RFC 8785 canonical form.
 */
public final class AuditExport {

    public static final String FORMAT = "incident-tracker-audit-export/1";
    public static final String SCOPE_RANGE = "range";
    public static final String SCOPE_INCIDENT = "incident";

    private AuditExport() {
    }

    public static String rangeHeader(long fromIndex, long toIndex, String exportedAt) {
        Map<String, Object> line = line("header");
        line.put("format", FORMAT);
        line.put("scope", SCOPE_RANGE);
        line.put("fromIndex", fromIndex);
        line.put("toIndex", toIndex);
        line.put("exportedAt", exportedAt);
        return Jcs.canonicalString(line);
    }

    public static String incidentHeader(String incidentId, String exportedAt) {
        Map<String, Object> line = line("header");
        line.put("format", FORMAT);
        line.put("scope", SCOPE_INCIDENT);
        line.put("incidentId", incidentId);
        line.put("exportedAt", exportedAt);
        return Jcs.canonicalString(line);
    }

    public static String checkpoint(long treeSize, String rootHash, String signedAt, String checkpoint,
                                    String signature, String publicKey) {
        Map<String, Object> line = line("checkpoint");
        line.put("treeSize", treeSize);
        line.put("rootHash", rootHash);
        line.put("signedAt", signedAt);
        line.put("checkpoint", checkpoint);
        line.put("signature", signature);
        line.put("publicKey", publicKey);
        return Jcs.canonicalString(line);
    }

    public static String entry(LedgerEntry entry, String leafHash, List<String> inclusionProof) {
        Map<String, Object> json = entry.toJson();
        json.put(LedgerEntry.LEAF_HASH, leafHash);
        Map<String, Object> line = line("entry");
        line.put("entry", json);
        line.put("inclusionProof", inclusionProof);
        return Jcs.canonicalString(line);
    }

    public static String end(long entries) {
        Map<String, Object> line = line("end");
        line.put("entries", entries);
        return Jcs.canonicalString(line);
    }

    private static Map<String, Object> line(String kind) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", kind);
        return line;
    }
}
