package io.incidenttracker.query.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** The JSON answers of the audit API. */
public final class AuditViews {

    private AuditViews() {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "A ledger entry. Its leaf bytes are the RFC 8785 canonical JSON of this object without "
            + "leafHash; leafHash = SHA-256(0x00 || leaf bytes), lowercase hex.")
    public record AuditEntry(
            @Schema(description = "Position in the ledger, from 0, contiguous") long index,
            @Schema(description = "The event id (CloudEvents id)") String eventId,
            String incidentId,
            @Schema(description = "The event's sequence number within its incident") long sequence,
            @Schema(description = "CloudEvents type", example = "io.incidenttracker.incident.attack-detected.v1")
            String type,
            @Schema(description = "When it happened in the world") String occurredAt,
            @Schema(description = "When it was recorded in the event store") String recordedAt,
            @Schema(description = "The authenticated principal whose command caused it") String actor,
            @Schema(description = "The correlation id of the causing request; null if none", nullable = true)
            String correlationId,
            @Schema(description = "The event's JSON exactly as published on the topic", implementation = Object.class)
            @JsonRawValue String payload,
            @Schema(description = "SHA-256(0x00 || leaf bytes), lowercase hex") String leafHash) {
    }

    @Schema(description = "A signed tree head")
    public record CheckpointView(
            long treeSize,
            @Schema(description = "Root hash, lowercase hex") String rootHash,
            Instant signedAt,
            @Schema(description = "The signed text (C2SP tlog-checkpoint): origin, tree size, base64 root hash, "
                    + "each line ending in a newline") String checkpoint,
            @Schema(description = "Ed25519 signature of the checkpoint text, base64") String signature,
            @Schema(description = "The raw 32-byte Ed25519 public key, base64") String publicKey) {

        static CheckpointView of(SignedCheckpoint checkpoint) {
            return new CheckpointView(checkpoint.treeSize(), checkpoint.rootHashHex(), checkpoint.signedAt(),
                    checkpoint.checkpoint(), checkpoint.signatureBase64(), checkpoint.publicKeyBase64());
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(description = "The outcome of re-hashing the whole stored ledger")
    public record Verification(
            boolean valid,
            @Schema(description = "Entries in the stored ledger") long treeSize,
            @Schema(description = "Root recomputed from the stored entries, lowercase hex") String rootHash,
            @Schema(description = "The first entry that fails on its own (its fields no longer give its leaf hash, "
                    + "it is missing, out of place or not the entry appended at its index); when none does but a "
                    + "checkpoint no longer matches, the first index of the range that holds the change; null when "
                    + "valid", nullable = true)
            Long firstInvalidIndex,
            @Schema(description = "Tree size of the latest checkpoint; null before the first", nullable = true)
            Long checkpointTreeSize,
            @Schema(description = "What failed first; null when valid", nullable = true) String reason,
            @Schema(description = "The first signed checkpoint the stored ledger no longer matches; null when every "
                    + "checkpoint matches", nullable = true)
            CheckpointMismatchView checkpointMismatch) {
    }

    @Schema(description = "A signed checkpoint whose tree the stored ledger no longer gives")
    public record CheckpointMismatchView(
            @Schema(description = "The checkpoint's tree size") long treeSize,
            @Schema(description = "When it was signed") Instant signedAt,
            @Schema(description = "The change lies in the entries from this index to treeSize - 1 (the size of the "
                    + "last checkpoint that still matches)") long changedFromIndex) {

        static CheckpointMismatchView of(LedgerVerifier.CheckpointMismatch mismatch) {
            return mismatch == null ? null
                    : new CheckpointMismatchView(mismatch.treeSize(), mismatch.signedAt(), mismatch.changedFromIndex());
        }
    }

    @Schema(description = "RFC 9162 inclusion proof of one entry in the tree of treeSize entries")
    public record InclusionProof(long index, long treeSize, String leafHash, String rootHash,
                                 @Schema(description = "Audit path, lowercase hex, leaf to root") List<String> proof) {
    }

    @Schema(description = "RFC 9162 consistency proof between two tree sizes")
    public record ConsistencyProof(long from, long to, String fromRootHash, String toRootHash,
                                   @Schema(description = "Lowercase hex") List<String> proof) {
    }
}
