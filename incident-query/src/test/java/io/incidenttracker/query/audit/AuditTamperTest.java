package io.incidenttracker.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.audit.verify.ExportVerifier;
import io.incidenttracker.audit.verify.Hex;
import io.incidenttracker.audit.verify.LedgerEntry;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.incidenttracker.query.audit.AuditSupport.awaitLedgerSize;
import static io.incidenttracker.query.audit.AuditSupport.checkpoint;
import static io.incidenttracker.query.audit.AuditSupport.export;
import static io.incidenttracker.query.audit.AuditSupport.verifyOffline;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database superuser bypasses the triggers and tampers with the ledger: edits a payload (with and without
 * recomputing its leaf hash), deletes a row, inserts one, swaps two. Each time {@code /api/audit/verify} names the
 * first invalid index and the offline verifier rejects the export at that index; once the ledger is restored, both
 * accept it again. Checkpoints are signed on demand only here, one per entry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestPropertySource(properties = "incident-query.audit.checkpoint-interval=1h")
class AuditTamperTest extends QueryServiceIntegrationTest {

    static final UUID INCIDENT = UUID.randomUUID();
    static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");
    static final int SIZE = 8;
    static boolean prepared;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    AuditLedger ledger;

    @Autowired
    CheckpointStore checkpointStore;

    @Autowired
    AuditSigningKey key;

    @Autowired
    DataSource dataSource;

    @Autowired
    PlatformTransactionManager transactionManager;

    TestRestTemplate auditor() {
        return as("auditor");
    }

    @BeforeEach
    void ledgerOfEightEntriesWithACheckpointPerEntry() throws SQLException {
        if (prepared) {
            return;
        }
        for (int sequence = 0; sequence < SIZE; sequence++) {
            events.publish(sequence, event(sequence));
            awaitLedgerSize(auditor(), sequence + 1);
            assertThat(auditor().postForEntity("/api/audit/checkpoints", null, JsonNode.class).getStatusCode())
                    .isEqualTo(HttpStatus.CREATED);
        }
        asSuperuser("DROP TABLE IF EXISTS audit_entry_original",
                    "CREATE TABLE audit_entry_original AS SELECT * FROM audit_entry");
        prepared = true;
    }

    static IncidentEvent event(int sequence) {
        return switch (sequence) {
            case 0 -> new IncidentOpened(INCIDENT, "Ransomware at the telemedicine provider", Severity.HIGH, T0);
            case 1 -> new AttackDetected(INCIDENT, 1, AttackType.RANSOMWARE, Severity.CRITICAL, null,
                                         List.of("sys-1"), List.of("T1486"), T0);
            default -> new SystemIsolated(INCIDENT, "sys-" + sequence, "possibly infected", IsolationMethod.UNRECORDED,
                                          T0.plusSeconds(60L * sequence));
        };
    }

    @Test
    @Order(1)
    void raisesNoAlarmOnTheUntouchedLedger() throws Exception {
        assertIntact();
    }

    @Test
    @Order(2)
    void findsAnEditedPayload() throws Exception {
        asSuperuser("UPDATE audit_entry SET payload = replace(payload, 'possibly infected', 'routine maintenance') "
                + "WHERE ledger_index = 3");
        assertTamperedAt(3);
        restore();
    }

    @Test
    @Order(3)
    void findsAnEditedPayloadWhoseLeafHashWasRecomputed() throws Exception {
        AuditLedger.StoredEntry row = ledger.entries(4, 1, null).get(0);
        String forgedPayload = row.payload().replace("possibly infected", "routine maintenance");
        AuditLedger.StoredEntry forged = new AuditLedger.StoredEntry(row.index(), row.eventId(), row.incidentId(),
                row.sequence(), row.type(), row.occurredAt(), row.recordedAt(), row.actor(), row.correlationId(),
                forgedPayload, null);
        byte[] leafHash = forged.toEntry().leafHash();
        try (Connection connection = superuser();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE audit_entry SET payload = ?, leaf_hash = ? WHERE ledger_index = 4")) {
            update.setString(1, forgedPayload);
            update.setBytes(2, leafHash);
            update.executeUpdate();
        }
        assertTamperedAt(4);

        // after a restart the tree is rebuilt from the changed table: the checkpoints still locate the change
        LedgerTree rebuilt = new LedgerTree(ledger);
        LedgerVerifier.Report afterRestart = new LedgerVerifier(AuditConfiguration.streaming(dataSource),
                AuditConfiguration.readOnly(transactionManager), checkpointStore, rebuilt, key.rawPublicKey())
                .verify();
        assertThat(afterRestart.valid()).isFalse();
        assertThat(afterRestart.firstInvalidIndex()).as(afterRestart.reason()).isEqualTo(4);
        assertThat(afterRestart.reason()).contains("checkpoint");
        restore();
    }

    @Test
    @Order(4)
    void findsADeletedRow() throws Exception {
        asSuperuser("DELETE FROM audit_entry WHERE ledger_index = 5");
        assertTamperedAt(5);
        restore();
    }

    @Test
    @Order(5)
    void findsTwoSwappedRows() throws Exception {
        asSuperuser("UPDATE audit_entry SET ledger_index = 1000000 WHERE ledger_index = 2",
                    "UPDATE audit_entry SET ledger_index = 2 WHERE ledger_index = 6",
                    "UPDATE audit_entry SET ledger_index = 6 WHERE ledger_index = 1000000");
        assertTamperedAt(2);
        restore();
    }

    @Test
    @Order(6)
    void findsAnInsertedRow() throws Exception {
        // make room at 3, then insert a well-formed entry there with a correct leaf hash
        asSuperuser("UPDATE audit_entry SET ledger_index = ledger_index + 1000000 WHERE ledger_index >= 3",
                    "UPDATE audit_entry SET ledger_index = ledger_index - 999999 WHERE ledger_index >= 1000000");
        AuditLedger.StoredEntry template = ledger.entries(4, 1, null).get(0);
        String eventId = UUID.randomUUID().toString();
        String payload = template.payload().replace("possibly infected", "planned isolation");
        LedgerEntry forged = new AuditLedger.StoredEntry(3, eventId, template.incidentId(), template.sequence(),
                template.type(), template.occurredAt(), template.recordedAt(), "admin", null, payload, null).toEntry();
        try (Connection connection = superuser();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_entry ("
                     + AuditLedger.COLUMNS + ") VALUES (3, ?, ?::uuid, ?, ?, ?, ?, ?, NULL, ?, ?)")) {
            insert.setString(1, eventId);
            insert.setString(2, forged.incidentId());
            insert.setLong(3, forged.sequence());
            insert.setString(4, forged.type());
            insert.setString(5, forged.occurredAt());
            insert.setString(6, forged.recordedAt());
            insert.setString(7, forged.actor());
            insert.setString(8, payload);
            insert.setBytes(9, forged.leafHash());
            insert.executeUpdate();
        }
        assertTamperedAt(3);
        restore();
    }

    @Test
    @Order(7)
    void namesTheEditedEntryAndSeparatelyTheCheckpointThatNoLongerMatches() throws Exception {
        // one checkpoint over all eight entries: the change is in entry 1, the checkpoint's range starts at 0
        asSuperuser("DROP TABLE IF EXISTS audit_checkpoint_original",
                    "CREATE TABLE audit_checkpoint_original AS SELECT * FROM audit_checkpoint",
                    "DELETE FROM audit_checkpoint WHERE tree_size < " + SIZE,
                    "UPDATE audit_entry SET actor = 'someone-else' WHERE ledger_index = 1");
        try {
            JsonNode verification = auditor().getForEntity("/api/audit/verify", JsonNode.class).getBody();
            assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isFalse();
            assertThat(verification.get("firstInvalidIndex").asLong()).as(verification.toString()).isEqualTo(1);
            assertThat(verification.get("reason").asText()).contains("leaf hash");
            JsonNode mismatch = verification.get("checkpointMismatch");
            assertThat(mismatch.get("treeSize").asLong()).as(verification.toString()).isEqualTo(SIZE);
            assertThat(mismatch.get("changedFromIndex").asLong()).isZero();
        } finally {
            asSuperuser("DELETE FROM audit_checkpoint",
                        "INSERT INTO audit_checkpoint OVERRIDING SYSTEM VALUE SELECT * FROM audit_checkpoint_original");
        }
        restore();
        JsonNode intact = auditor().getForEntity("/api/audit/verify", JsonNode.class).getBody();
        assertThat(intact.get("checkpointMismatch").isNull()).as(intact.toString()).isTrue();
    }

    private void assertTamperedAt(long index) throws Exception {
        JsonNode verification = auditor().getForEntity("/api/audit/verify", JsonNode.class).getBody();
        assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isFalse();
        assertThat(verification.get("firstInvalidIndex").asLong()).as(verification.toString()).isEqualTo(index);

        String publicKey = checkpoint(auditor()).get("publicKey").asText();
        ExportVerifier.Result offline = verifyOffline(export(auditor(), "fromIndex=0"), publicKey);
        assertThat(offline.valid()).isFalse();
        assertThat(offline.firstInvalidIndex()).as(offline.reason()).isEqualTo(index);
    }

    private void assertIntact() throws Exception {
        JsonNode verification = auditor().getForEntity("/api/audit/verify", JsonNode.class).getBody();
        assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.get("treeSize").asLong()).isEqualTo(SIZE);
        JsonNode checkpoint = checkpoint(auditor());
        assertThat(checkpoint.get("treeSize").asLong()).isEqualTo(SIZE);
        assertThat(verification.get("rootHash").asText()).isEqualTo(checkpoint.get("rootHash").asText());
        ExportVerifier.Result offline = verifyOffline(export(auditor(), "fromIndex=0"),
                                                      checkpoint.get("publicKey").asText());
        assertThat(offline.valid()).as(offline.reason()).isTrue();
        ExportVerifier.Result incident = verifyOffline(export(auditor(), "incidentId=" + INCIDENT),
                                                       checkpoint.get("publicKey").asText());
        assertThat(incident.valid()).as(incident.reason()).isTrue();
        assertThat(Hex.encode(ledger.entries(0, 1, null).get(0).leafHash())).hasSize(64);
    }

    private void restore() throws Exception {
        asSuperuser("DELETE FROM audit_entry", "INSERT INTO audit_entry SELECT * FROM audit_entry_original");
        assertIntact();
    }

    private static Connection superuser() throws SQLException {
        return AuditSupport.superuser(DATABASE_URL);
    }

    private static void asSuperuser(String... statements) throws SQLException {
        AuditSupport.asSuperuser(DATABASE_URL, statements);
    }
}
