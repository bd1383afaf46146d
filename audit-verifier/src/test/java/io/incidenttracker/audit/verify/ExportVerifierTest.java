package io.incidenttracker.audit.verify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The offline verification of exports, on exports built here and then tampered with line by line. */
class ExportVerifierTest {

    static final KeyPair KEY = Ed25519.generate();
    static final byte[] PUBLIC_KEY = Ed25519.rawPublicKey(KEY.getPublic());
    static final String A = "5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10";
    static final String B = "0c3f1d2e-8a10-4d52-9a57-5b0f7f4e3c1a";

    final List<LedgerEntry> ledger = new ArrayList<>();
    final MerkleTree tree = new MerkleTree();

    ExportVerifierTest() {
        long[] sequences = new long[2];
        for (int i = 0; i < 11; i++) {
            String incident = i % 3 == 0 ? B : A;
            int which = incident.equals(A) ? 0 : 1;
            LedgerEntry entry = new LedgerEntry(i, UUID.randomUUID().toString(), incident, sequences[which]++,
                    "io.incidenttracker.incident.system-isolated.v1", "2023-08-30T07:00:00Z",
                    "2023-08-30T07:00:01.5Z", "responder", "corr-" + i,
                    Json.parse("{\"incidentId\":\"" + incident + "\",\"systemId\":\"sys-" + i + "\"}"));
            ledger.add(entry);
            tree.append(entry.leafHash());
        }
    }

    List<String> rangeExport(long from, long to) {
        List<String> lines = new ArrayList<>();
        lines.add(AuditExport.rangeHeader(from, to, "2023-09-05T00:00:00Z"));
        lines.add(checkpointLine(tree.size()));
        for (long i = from; i < to; i++) {
            lines.add(entryLine(ledger.get((int) i), tree.size()));
        }
        lines.add(AuditExport.end(to - from));
        return lines;
    }

    List<String> incidentExport(String incidentId) {
        List<String> lines = new ArrayList<>();
        lines.add(AuditExport.incidentHeader(incidentId, "2023-09-05T00:00:00Z"));
        lines.add(checkpointLine(tree.size()));
        long count = 0;
        for (LedgerEntry entry : ledger) {
            if (entry.incidentId().equals(incidentId)) {
                lines.add(entryLine(entry, tree.size()));
                count++;
            }
        }
        lines.add(AuditExport.end(count));
        return lines;
    }

    String checkpointLine(long size) {
        Checkpoint checkpoint = new Checkpoint("incident-tracker.example/audit", size, Merkle.rootHash(tree, size));
        byte[] signature = Ed25519.sign(KEY.getPrivate(), checkpoint.bytes());
        return AuditExport.checkpoint(size, Hex.encode(checkpoint.rootHash()), "2023-09-05T00:00:00Z",
                checkpoint.text(), Base64.getEncoder().encodeToString(signature),
                Base64.getEncoder().encodeToString(PUBLIC_KEY));
    }

    String entryLine(LedgerEntry entry, long size) {
        return AuditExport.entry(entry, Hex.encode(entry.leafHash()),
                Merkle.encodeProof(Merkle.inclusionProof(tree, entry.index(), size)));
    }

    static ExportVerifier.Result verify(List<String> lines) throws IOException {
        return verify(lines, PUBLIC_KEY);
    }

    static ExportVerifier.Result verify(List<String> lines, byte[] key) throws IOException {
        String text = String.join("\n", lines) + "\n";
        return new ExportVerifier(key).verify(new BufferedReader(new StringReader(text)));
    }

    @Test
    void acceptsUntouchedRangeAndIncidentExports() throws IOException {
        assertThat(verify(rangeExport(0, 11)).valid()).isTrue();
        assertThat(verify(rangeExport(4, 9)).valid()).isTrue();
        assertThat(verify(rangeExport(11, 11)).valid()).isTrue();
        assertThat(verify(incidentExport(A)).valid()).isTrue();
        ExportVerifier.Result b = verify(incidentExport(B));
        assertThat(b.valid()).isTrue();
        assertThat(b.entries()).isEqualTo(4);
    }

    @Test
    void findsAnEditedPayloadEvenWhenItsLeafHashWasRecomputed() throws IOException {
        List<String> lines = rangeExport(0, 11);
        lines.set(2 + 5, lines.get(2 + 5).replace("sys-5", "sys-X"));
        assertResult(verify(lines), 5L, "leafHash");

        LedgerEntry original = ledger.get(5);
        LedgerEntry forged = new LedgerEntry(5, original.eventId(), original.incidentId(), original.sequence(),
                original.type(), original.occurredAt(), original.recordedAt(), "someone-else",
                original.correlationId(), original.payload());
        lines = rangeExport(0, 11);
        lines.set(2 + 5, AuditExport.entry(forged, Hex.encode(forged.leafHash()),
                Merkle.encodeProof(Merkle.inclusionProof(tree, 5, 11))));
        assertResult(verify(lines), 5L, "inclusion proof");
    }

    @Test
    void findsADeletedAnInsertedAndASwappedEntry() throws IOException {
        List<String> deleted = rangeExport(0, 11);
        deleted.remove(2 + 3);
        assertResult(verify(deleted), 3L, "expected index 3");

        List<String> inserted = rangeExport(0, 11);
        inserted.add(2 + 3, inserted.get(2 + 3));
        assertResult(verify(inserted), 3L, "expected index 4");

        List<String> swapped = rangeExport(0, 11);
        String third = swapped.get(2 + 3);
        swapped.set(2 + 3, swapped.get(2 + 7));
        swapped.set(2 + 7, third);
        assertResult(verify(swapped), 3L, "expected index 3");

        List<String> incident = incidentExport(A);
        incident.remove(3);
        assertResult(verify(incident), null, "sequence").satisfies(r -> assertThat(r.firstInvalidIndex()).isNotNull());
    }

    @Test
    void refusesACutOffExportAForeignKeyAndAForgedCheckpoint() throws IOException {
        List<String> cut = rangeExport(0, 11);
        cut.remove(cut.size() - 1);
        assertResult(verify(cut), 11L, "end line");
        cut.remove(cut.size() - 1);
        assertResult(verify(cut), 10L, "end line");

        assertResult(verify(rangeExport(0, 11), Ed25519.rawPublicKey(Ed25519.generate().getPublic())), null,
                     "another public key");

        List<String> forged = rangeExport(0, 11);
        forged.set(1, forged.get(1).replace("\\n11\\n", "\\n12\\n"));
        assertResult(verify(forged), null, "signature");
    }

    @Test
    void theCommandLinePrintsValidOrInvalidWithTheFirstBadIndex(@TempDir Path dir) throws IOException {
        Path export = dir.resolve("export.ndjson");
        Files.write(export, rangeExport(0, 11), StandardCharsets.UTF_8);
        Path keyFile = dir.resolve("key.pem");
        Files.writeString(keyFile, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getEncoder().encodeToString(KEY.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");

        assertThat(runVerifier(export.toString(), Base64.getEncoder().encodeToString(PUBLIC_KEY)))
                .startsWith("0 VALID: 11 entries");
        assertThat(runVerifier(export.toString(), keyFile.toString())).startsWith("0 VALID");

        List<String> lines = rangeExport(0, 11);
        lines.set(2 + 8, lines.get(2 + 8).replace("responder", "admin"));
        Files.write(export, lines, StandardCharsets.UTF_8);
        assertThat(runVerifier(export.toString(), keyFile.toString())).startsWith("1 INVALID at index 8:");
        assertThat(runVerifier(export.toString())).startsWith("2 ");
    }

    /** The exit code and the verdict; the verdict on a stream of its own, not System.out, where other threads log. */
    private static String runVerifier(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code = OfflineVerifier.run(new PrintStream(captured, true, StandardCharsets.UTF_8), args);
        return code + " " + captured.toString(StandardCharsets.UTF_8);
    }

    private static org.assertj.core.api.ObjectAssert<ExportVerifier.Result> assertResult(
            ExportVerifier.Result result, Long index, String reason) {
        assertThat(result.valid()).as("valid").isFalse();
        if (index != null) {
            assertThat(result.firstInvalidIndex()).as(result.reason()).isEqualTo(index);
        }
        assertThat(result.reason()).contains(reason);
        return assertThat(result);
    }
}
