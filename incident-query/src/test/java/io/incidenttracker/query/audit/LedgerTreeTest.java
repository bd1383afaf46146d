package io.incidenttracker.query.audit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.incidenttracker.audit.verify.Ed25519;
import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.audit.verify.MerkleTree;
import io.incidenttracker.testsupport.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ledger's tree keeps the hash of each complete tile of 256 entries and the hashes of the newest tile only, and
 * reads older tiles from the table: every root and proof must still equal those of a tree that keeps every hash, and
 * a tile whose stored entries changed must be refused, and named by the verification. On a database of its own, with
 * 700 entries (two complete tiles and 188 entries of a third), written by the ledger's own append path.
 */
class LedgerTreeTest {

    static final int ENTRIES = 700;
    static final String DATABASE = TestDatabase.name("incident_query_ledger_tree");

    static HikariDataSource dataSource;
    static JdbcTemplate jdbc;
    static TransactionTemplate transactions;
    static AuditLedger ledger;
    static List<byte[]> leaves;
    static MerkleTree everyHash;

    @BeforeAll
    static void ledgerOfSevenHundredEntries() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabase.ensure(DATABASE));
        config.setUsername(TestDatabase.USER);
        config.setPassword(TestDatabase.PASSWORD);
        config.setMaximumPoolSize(2);
        dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/query")
                .placeholders(Map.of("serviceRole", "incident_query_service")).cleanDisabled(false).load()
                .clean();
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/query")
                .placeholders(Map.of("serviceRole", "incident_query_service")).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        ledger = new AuditLedger(jdbc, new SimpleMeterRegistry());
        UUID incident = UUID.randomUUID();
        Random random = new Random(7);
        for (int appended = 0; appended < ENTRIES; appended += 100) {
            int first = appended;
            transactions.executeWithoutResult(status -> {
                for (int sequence = first; sequence < first + 100; sequence++) {
                    ledger.append(entry(incident, sequence, random));
                }
            });
        }
        leaves = new ArrayList<>();
        everyHash = new MerkleTree();
        for (AuditLedger.IndexedHash row : ledger.leafHashes(0, ENTRIES)) {
            leaves.add(row.hash());
            everyHash.append(row.hash());
        }
        assertThat(leaves).hasSize(ENTRIES);
        asSuperuser("DROP TABLE IF EXISTS audit_entry_original",
                    "CREATE TABLE audit_entry_original AS SELECT * FROM audit_entry");
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    @AfterEach
    void restore() throws SQLException {
        asSuperuser("UPDATE audit_entry SET payload = o.payload, leaf_hash = o.leaf_hash "
                + "FROM (SELECT ledger_index, payload, leaf_hash FROM audit_entry_original) o "
                + "WHERE audit_entry.ledger_index = o.ledger_index");
    }

    @Test
    void givesTheRootsOfATreeThatKeepsEveryHash() {
        LedgerTree tree = loaded();
        assertThat(tree.size()).isEqualTo(ENTRIES);
        assertThat(tree.completeTiles()).isEqualTo(2);
        assertThat(tree.newest().start()).isEqualTo(512);
        assertThat(tree.newest().leafHashes()).hasSize(ENTRIES - 512);
        for (long size : new long[] {1, 2, 3, 255, 256, 257, 300, 511, 512, 513, 640, ENTRIES}) {
            assertThat(tree.rootHash(size)).as("root at %d", size).isEqualTo(Merkle.rootHash(everyHash, size));
            assertThat(tree.rootHash(size)).as("root at %d", size)
                    .isEqualTo(Merkle.root(leaves.subList(0, (int) size)));
        }
    }

    @Test
    void givesTheProofsOfATreeThatKeepsEveryHash() {
        LedgerTree tree = loaded();
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            long size = 1 + random.nextInt(ENTRIES);
            long index = random.nextInt((int) size);
            assertThat(tree.inclusionProof(index, size)).as("inclusion of %d at %d", index, size)
                    .containsExactlyElementsOf(Merkle.inclusionProof(everyHash, index, size));
            assertThat(Merkle.verifyInclusion(index, size, leaves.get((int) index), tree.inclusionProof(index, size),
                                              tree.rootHash(size))).isTrue();
            long from = 1 + random.nextInt((int) size);
            assertThat(tree.consistencyProof(from, size)).as("consistency of %d with %d", from, size)
                    .containsExactlyElementsOf(Merkle.consistencyProof(everyHash, from, size));
        }
    }

    @Test
    void growsAcrossTileBoundariesAsEntriesCommit() {
        List<AuditLedger.IndexedHash> rows = ledger.leafHashes(0, ENTRIES);
        long[] visible = {0};
        // a ledger whose commits become visible in steps that end before, at and after tile boundaries
        AuditLedger committing = new AuditLedger(jdbc, new SimpleMeterRegistry()) {
            @Override
            public List<IndexedHash> leafHashes(long fromIndex, int limit) {
                if (fromIndex >= visible[0]) {
                    return List.of();
                }
                return rows.subList((int) fromIndex, (int) Math.min(visible[0], fromIndex + limit));
            }
        };
        LedgerTree tree = new LedgerTree(committing);
        for (long step : new long[] {1, 100, 255, 256, 257, 511, 512, 513, 600, ENTRIES}) {
            visible[0] = step;
            assertThat(tree.catchUp()).isEqualTo(step);
            assertThat(tree.completeTiles()).isEqualTo(step / LedgerTree.TILE_SIZE);
            assertThat(tree.rootHash(step)).as("root at %d", step).isEqualTo(Merkle.rootHash(everyHash, step));
            assertThat(tree.inclusionProof(step - 1, step)).as("inclusion of the newest at %d", step)
                    .containsExactlyElementsOf(Merkle.inclusionProof(everyHash, step - 1, step));
        }
    }

    @Test
    void refusesAProofFromATileWhoseEntryWasRewrittenWithItsLeafHash() throws SQLException {
        // no tile kept whole: every proof inside a complete tile reads it from the table
        LedgerTree tree = new LedgerTree(ledger, 0);
        tree.catchUp();
        LedgerTree keeping = new LedgerTree(ledger, 64);
        keeping.catchUp();
        rewriteWithLeafHash(300);
        assertThatThrownBy(() -> tree.inclusionProof(300, ENTRIES))
                .isInstanceOf(LedgerTree.TileMismatch.class)
                .hasMessageContaining("256 to 511");
        // the other tiles still answer, and the root of the whole ledger needs no stored entry
        assertThat(tree.inclusionProof(10, ENTRIES)).containsExactlyElementsOf(
                Merkle.inclusionProof(everyHash, 10, ENTRIES));
        assertThat(tree.rootHash(ENTRIES)).isEqualTo(Merkle.rootHash(everyHash, ENTRIES));
        // a tree that kept the tile whole since it appended it proves from the hashes as committed
        assertThat(keeping.inclusionProof(300, ENTRIES)).containsExactlyElementsOf(
                Merkle.inclusionProof(everyHash, 300, ENTRIES));
    }

    @Test
    void verificationNamesTheTileOfAnEntryRewrittenWithItsLeafHash() throws SQLException {
        LedgerTree tree = loaded();
        rewriteWithLeafHash(300);
        LedgerVerifier.Report report = verifier(tree).verify();
        assertThat(report.valid()).isFalse();
        assertThat(report.firstInvalidIndex()).as(report.reason()).isEqualTo(256);
        assertThat(report.reason()).contains("from 256 to 511");
    }

    @Test
    void verificationNamesTheExactEntryInTheNewestTile() throws SQLException {
        LedgerTree tree = loaded();
        rewriteWithLeafHash(650);
        LedgerVerifier.Report report = verifier(tree).verify();
        assertThat(report.firstInvalidIndex()).as(report.reason()).isEqualTo(650);
        assertThat(report.reason()).contains("differs from the one appended at this index");
    }

    @Test
    void verificationNamesTheExactEntryWhosePayloadAloneChangedInAnOlderTile() throws SQLException {
        LedgerTree tree = loaded();
        asSuperuser("UPDATE audit_entry SET payload = replace(payload, 'possibly infected', 'routine maintenance') "
                + "WHERE ledger_index = 300");
        LedgerVerifier.Report report = verifier(tree).verify();
        assertThat(report.firstInvalidIndex()).as(report.reason()).isEqualTo(300);
        assertThat(report.reason()).contains("no longer give the stored leaf hash");
    }

    @Test
    void aCheckpointWhoseTileWasRewrittenRaisesTheAlarm() throws SQLException {
        // a checkpoint inside tile 1 (256 to 511): checking it reads that tile from the table
        LedgerTree tree = new LedgerTree(ledger, 0);
        tree.catchUp();
        AuditSigningKey key = new AuditSigningKey(Ed25519.generate().getPrivate());
        asSuperuser("DELETE FROM audit_checkpoint");
        try {
            CheckpointService service = new CheckpointService(tree, new CheckpointStore(jdbc), key, "test/audit",
                    List.of(), transactions, java.time.Duration.ofHours(1), java.time.Clock.systemUTC(),
                    new SimpleMeterRegistry());
            byte[] root = tree.rootHash(300);
            io.incidenttracker.audit.verify.Checkpoint checkpoint =
                    new io.incidenttracker.audit.verify.Checkpoint("test/audit", 300, root);
            new CheckpointStore(jdbc).insert(new SignedCheckpoint(300, root, Instant.parse("2023-08-30T07:00:00Z"),
                    checkpoint.text(), key.sign(checkpoint.bytes()), key.rawPublicKey()));
            assertThat(service.signIfGrown().created()).isTrue();
            asSuperuser("DELETE FROM audit_checkpoint WHERE tree_size = " + ENTRIES);
            rewriteWithLeafHash(300);
            assertThat(service.signIfGrown().created()).isFalse();
            assertThat(service.alarm()).contains("256 to 511");
        } finally {
            asSuperuser("DELETE FROM audit_checkpoint");
        }
    }

    @Test
    void verificationFindsTheUntouchedLedgerValid() {
        LedgerVerifier.Report report = verifier(loaded()).verify();
        assertThat(report.valid()).as(report.reason()).isTrue();
        assertThat(report.treeSize()).isEqualTo(ENTRIES);
    }

    private static LedgerTree loaded() {
        LedgerTree tree = new LedgerTree(ledger);
        tree.catchUp();
        return tree;
    }

    private static LedgerVerifier verifier(LedgerTree tree) {
        return new LedgerVerifier(AuditConfiguration.streaming(dataSource),
                AuditConfiguration.readOnly(new DataSourceTransactionManager(dataSource)), new CheckpointStore(jdbc),
                tree, new AuditSigningKey(Ed25519.generate().getPrivate()).rawPublicKey());
    }

    /** What a superuser can do: change an entry's payload and store the leaf hash that fits it. */
    private static void rewriteWithLeafHash(long index) throws SQLException {
        AuditLedger.StoredEntry row = ledger.entries(index, 1, null).get(0);
        String forgedPayload = row.payload().replace("possibly infected", "routine maintenance");
        AuditLedger.StoredEntry forged = new AuditLedger.StoredEntry(row.index(), row.eventId(), row.incidentId(),
                row.sequence(), row.type(), row.occurredAt(), row.recordedAt(), row.actor(), row.correlationId(),
                forgedPayload, null);
        try (Connection connection = superuser();
             var update = connection.prepareStatement(
                     "UPDATE audit_entry SET payload = ?, leaf_hash = ? WHERE ledger_index = ?")) {
            update.setString(1, forgedPayload);
            update.setBytes(2, forged.toEntry().leafHash());
            update.setLong(3, index);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static Connection superuser() throws SQLException {
        return AuditSupport.superuser(TestDatabase.url(DATABASE));
    }

    private static void asSuperuser(String... statements) throws SQLException {
        AuditSupport.asSuperuser(TestDatabase.url(DATABASE), statements);
    }

    private static AuditLedger.NewEntry entry(UUID incident, long sequence, Random random) {
        Instant occurred = Instant.parse("2023-08-30T06:15:00Z").plusSeconds(sequence * 60);
        String payload = "{\"incidentId\":\"" + incident + "\",\"systemId\":\"sys-" + random.nextInt(10_000)
                + "\",\"reason\":\"possibly infected\",\"occurredAt\":\"" + occurred + "\"}";
        String eventId = UUID.randomUUID().toString();
        return new AuditLedger.NewEntry(eventId, incident, sequence, "io.incidenttracker.incident.system-isolated.v1",
                occurred, Instant.parse("2023-08-30T07:00:00Z"), "responder", "corr-" + eventId, payload);
    }
}
