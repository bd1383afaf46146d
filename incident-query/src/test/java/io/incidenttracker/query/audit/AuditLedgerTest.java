package io.incidenttracker.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.audit.verify.Checkpoint;
import io.incidenttracker.audit.verify.Ed25519;
import io.incidenttracker.audit.verify.ExportVerifier;
import io.incidenttracker.audit.verify.Hex;
import io.incidenttracker.audit.verify.Jcs;
import io.incidenttracker.audit.verify.Json;
import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.query.support.IncidentEventProducer;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import com.zaxxer.hikari.HikariDataSource;
import io.incidenttracker.testsupport.KafkaBrokerExtension;
import io.incidenttracker.testsupport.TestDatabase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import javax.sql.DataSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.incidenttracker.query.audit.AuditSupport.awaitLedgerSize;
import static io.incidenttracker.query.audit.AuditSupport.checkpoint;
import static io.incidenttracker.query.audit.AuditSupport.export;
import static io.incidenttracker.query.audit.AuditSupport.verifyOffline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The audit ledger fed from the topic, its checkpoints, proofs, exports, roles and database protection.
 * <p>
 * The ledger's indexes, sizes and proofs are asserted from zero, so this class runs on a database of its own,
 * cleaned when its context starts: the shared test database may still receive a token from the event processor of
 * an earlier class whose context is shutting down (on a loaded machine that can outlast the start of the next
 * context), and the ledger would then start from that token and miss this class's first events.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Import(AuditLedgerTest.OwnDatabase.class)
@TestPropertySource(properties = "spring.flyway.url=jdbc:postgresql://${TEST_PG_HOST:127.0.0.1:5432}/"
        + "incident_query_test${TEST_DB_SUFFIX:}_audit_ledger")
class AuditLedgerTest extends QueryServiceIntegrationTest {

    static final String DATABASE = TestDatabase.name("incident_query_test") + "_audit_ledger";
    static final String DATABASE_URL = TestDatabase.url(DATABASE);

    static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");
    static final UUID FIRST = UUID.randomUUID();
    static final UUID SECOND = UUID.randomUUID();
    static final List<IncidentEvent> PUBLISHED = new ArrayList<>();
    static final Map<String, IncidentEvent> BY_ID = new HashMap<>();

    @Autowired
    ObjectMapper objectMapper;

    @Autowired
    AuditProperties properties;

    /** The service's connection pool, configured as usual, on this class's database. */
    @TestConfiguration(proxyBeanMethods = false)
    static class OwnDatabase {

        @Bean
        @ConfigurationProperties("spring.datasource.hikari")
        HikariDataSource dataSource(DataSourceProperties properties) {
            TestDatabase.ensure(DATABASE);
            return properties.initializeDataSourceBuilder().type(HikariDataSource.class).url(DATABASE_URL).build();
        }
    }

    @Test
    @Order(0)
    void runsOnADatabaseOfItsOwn(@Autowired DataSource dataSource, @Autowired Flyway flyway) throws SQLException {
        try (Connection service = dataSource.getConnection();
             Connection migrations = flyway.getConfiguration().getDataSource().getConnection()) {
            assertThat(service.getCatalog()).isEqualTo(DATABASE);
            assertThat(migrations.getCatalog()).isEqualTo(DATABASE);
        }
    }

    TestRestTemplate auditor() {
        return as("auditor");
    }

    private void publish(long sequence, IncidentEvent event) {
        String id = events.publish(sequence, event);
        PUBLISHED.add(event);
        BY_ID.put(id, event);
    }

    @Test
    @Order(1)
    void appendsEveryEventOnceInOneOrderWithThePayloadAsPublished() throws Exception {
        publish(0, new IncidentOpened(FIRST, "Cyberattack on the telemedicine platform", Severity.HIGH, T0));
        publish(1, new AttackDetected(FIRST, 1, AttackType.INTRUSION, Severity.HIGH, "Zürich: \"odd\" logins \u2013 😀",
                                      List.of("app-booking"), List.of("T1078"), T0));
        publish(0, new IncidentOpened(SECOND, "Second front", Severity.MEDIUM, T0.plusSeconds(60)));
        publish(2, new SystemIsolated(FIRST, "app-booking", "possibly infected", IsolationMethod.UNRECORDED, T0.plusSeconds(2700)));
        publish(1, new AttackDetected(SECOND, 1, AttackType.DDOS, null, null, List.of(), List.of(), T0.plusSeconds(90)));
        publish(3, new ServiceDisruptionReported(FIRST, "telephony", ServiceImpact.UNAVAILABLE, null,
                                                 T0.plusSeconds(3000)));
        events.publishGarbage(FIRST.toString(), "not a cloud event".getBytes(StandardCharsets.UTF_8));

        JsonNode entries = awaitLedgerSize(auditor(), 6);
        long[] sequences = new long[2];
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            assertThat(entry.get("index").asLong()).isEqualTo(i);
            IncidentEvent event = BY_ID.get(entry.get("eventId").asText());
            assertThat(event).as("entry %d is a published event", i).isNotNull();
            assertThat(entry.get("incidentId").asText()).isEqualTo(event.incidentId().toString());
            assertThat(entry.get("type").asText()).isEqualTo(IncidentEvent.CATALOG.typeOf(event.getClass()));
            assertThat(entry.get("occurredAt").asText()).isEqualTo(event.occurredAt().toString());
            assertThat(entry.get("actor").asText()).isEqualTo("responder");
            assertThat(entry.get("correlationId").asText()).isEqualTo("corr-" + entry.get("eventId").asText());
            assertThat(Instant.parse(entry.get("recordedAt").asText())).isNotNull();
            // the payload is the published JSON: the same JSON value, byte for byte in canonical form
            assertThat(Jcs.canonicalString(Json.parse(entry.get("payload").toString())))
                    .isEqualTo(Jcs.canonicalString(Json.parse(new String(IncidentEventProducer.json(event),
                                                                         StandardCharsets.UTF_8))));
            // per incident, the sequences follow the topic's order
            int which = event.incidentId().equals(FIRST) ? 0 : 1;
            assertThat(entry.get("sequence").asLong()).isEqualTo(sequences[which]++);
            // anyone can recompute the leaf hash from the entry as returned
            Map<String, Object> fields = Json.parseObject(entry.toString());
            String leafHash = (String) fields.remove("leafHash");
            assertThat(Hex.encode(Merkle.leafHash(Jcs.canonicalize(fields)))).isEqualTo(leafHash);
        }
        assertThat(auditor().getForEntity("/api/audit/entries?incidentId=" + SECOND, JsonNode.class).getBody())
                .hasSize(2);
        assertThat(auditor().getForEntity("/api/audit/entries?fromIndex=4&limit=1", JsonNode.class).getBody()
                .get(0).get("index").asLong()).isEqualTo(4);
    }

    @Test
    @Order(2)
    void appendsNothingForADuplicateDelivery() {
        JsonNode before = awaitLedgerSize(auditor(), 6);
        String firstId = before.get(0).get("eventId").asText();
        events.publish(0, BY_ID.get(firstId), firstId);
        publish(4, new SystemIsolated(FIRST, "crm", "precaution", IsolationMethod.UNRECORDED, T0.plusSeconds(3600)));
        JsonNode after = awaitLedgerSize(auditor(), 7);
        assertThat(after.get(6).get("payload").get("systemId").asText()).isEqualTo("crm");
    }

    @Test
    @Order(3)
    void signsCheckpointsThatAnyoneCanCheckAndPublishesThemOutsideTheDatabase() throws Exception {
        JsonNode entries = awaitLedgerSize(auditor(), 7);
        ResponseEntity<JsonNode> signed = auditor().postForEntity("/api/audit/checkpoints", null, JsonNode.class);
        assertThat(signed.getStatusCode()).isIn(HttpStatus.CREATED, HttpStatus.OK);
        assertThat(as("admin").postForEntity("/api/audit/checkpoints", null, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);

        JsonNode checkpoint = checkpoint(auditor());
        assertThat(checkpoint.get("treeSize").asLong()).isEqualTo(7);
        List<byte[]> leaves = new ArrayList<>();
        entries.forEach(e -> leaves.add(Hex.decode(e.get("leafHash").asText())));
        String root = Hex.encode(Merkle.root(leaves));
        assertThat(checkpoint.get("rootHash").asText()).isEqualTo(root);
        String text = checkpoint.get("checkpoint").asText();
        assertThat(text).isEqualTo(properties.origin() + "\n7\n"
                + Base64.getEncoder().encodeToString(Hex.decode(root)) + "\n");
        assertThat(Checkpoint.parse(text).treeSize()).isEqualTo(7);
        byte[] publicKey = Base64.getDecoder().decode(checkpoint.get("publicKey").asText());
        assertThat(publicKey).hasSize(32);
        assertThat(Ed25519.verify(publicKey, text.getBytes(StandardCharsets.UTF_8),
                Base64.getDecoder().decode(checkpoint.get("signature").asText()))).isTrue();
        assertThat(Instant.parse(checkpoint.get("signedAt").asText())).isBefore(Instant.now().plusSeconds(1));

        // published to the file and to the topic, identical to the API's answer
        Path file = Path.of(properties.checkpointFile());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Files.readAllLines(file)).anySatisfy(line -> assertThat(Json.parseObject(line))
                        .containsEntry("checkpoint", text).containsEntry("rootHash", root)));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerExtension.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            TopicPartition partition = new TopicPartition(properties.checkpointTopic(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.key()).isEqualTo(properties.origin());
                    values.add(record.value());
                }
                assertThat(values).anySatisfy(value -> assertThat(Json.parseObject(value))
                        .containsEntry("checkpoint", text)
                        .containsEntry("signature", checkpoint.get("signature").asText()));
            });
        }
    }

    @Test
    @Order(4)
    void answersInclusionAndConsistencyProofsThatVerify() {
        JsonNode entries = awaitLedgerSize(auditor(), 7);
        JsonNode checkpoint = checkpoint(auditor());
        byte[] root = Hex.decode(checkpoint.get("rootHash").asText());
        for (int index = 0; index < 7; index++) {
            JsonNode proof = auditor().getForEntity("/api/audit/proofs/inclusion?index=" + index, JsonNode.class)
                    .getBody();
            assertThat(proof.get("treeSize").asLong()).isEqualTo(7);
            assertThat(proof.get("leafHash").asText()).isEqualTo(entries.get(index).get("leafHash").asText());
            assertThat(Merkle.verifyInclusion(index, 7, Hex.decode(proof.get("leafHash").asText()),
                                              hashes(proof.get("proof")), root)).isTrue();
            // a proof for one index does not prove another
            assertThat(Merkle.verifyInclusion((index + 1) % 7, 7, Hex.decode(proof.get("leafHash").asText()),
                                              hashes(proof.get("proof")), root)).isFalse();
        }
        for (int from = 1; from <= 7; from++) {
            JsonNode proof = auditor().getForEntity("/api/audit/proofs/consistency?from=" + from + "&to=7",
                                                    JsonNode.class).getBody();
            assertThat(proof.get("toRootHash").asText()).isEqualTo(checkpoint.get("rootHash").asText());
            assertThat(Merkle.verifyConsistency(from, 7, Hex.decode(proof.get("fromRootHash").asText()), root,
                                                hashes(proof.get("proof")))).isTrue();
        }
    }

    @Test
    @Order(5)
    void verifiesAnUntouchedLedgerAndItsExportsWithoutFalseAlarm() throws Exception {
        awaitLedgerSize(auditor(), 7);
        JsonNode verification = auditor().getForEntity("/api/audit/verify", JsonNode.class).getBody();
        assertThat(verification.get("valid").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.get("treeSize").asLong()).isEqualTo(7);
        assertThat(verification.get("firstInvalidIndex").isNull()).isTrue();
        JsonNode checkpoint = checkpoint(auditor());
        assertThat(verification.get("rootHash").asText()).isEqualTo(checkpoint.get("rootHash").asText());

        String publicKey = checkpoint.get("publicKey").asText();
        ExportVerifier.Result range = verifyOffline(export(auditor(), "fromIndex=0"), publicKey);
        assertThat(range.valid()).as(range.reason()).isTrue();
        assertThat(range.entries()).isEqualTo(7);
        ExportVerifier.Result part = verifyOffline(export(auditor(), "fromIndex=2&toIndex=5"), publicKey);
        assertThat(part.valid()).as(part.reason()).isTrue();
        assertThat(part.entries()).isEqualTo(3);
        ExportVerifier.Result incident = verifyOffline(export(as("admin"), "incidentId=" + FIRST), publicKey);
        assertThat(incident.valid()).as(incident.reason()).isTrue();
        assertThat(incident.entries()).isEqualTo(5);
    }

    @Test
    @Order(6)
    void answersBadParametersWithA400Problem() {
        for (String path : List.of("/api/audit/entries?fromIndex=-1", "/api/audit/entries?limit=0",
                "/api/audit/entries?limit=1001", "/api/audit/entries?incidentId=nope",
                "/api/audit/proofs/inclusion?index=7", "/api/audit/proofs/inclusion?index=0&treeSize=99",
                "/api/audit/proofs/inclusion?index=x", "/api/audit/proofs/inclusion",
                "/api/audit/proofs/consistency?from=0", "/api/audit/proofs/consistency?from=5&to=3",
                "/api/audit/proofs/consistency?from=1&to=99", "/api/audit/export",
                "/api/audit/export?fromIndex=0&toIndex=99", "/api/audit/export?fromIndex=5&toIndex=2",
                "/api/audit/export?incidentId=" + FIRST + "&fromIndex=0")) {
            ResponseEntity<JsonNode> response = auditor().getForEntity(path, JsonNode.class);
            assertThat(response.getStatusCode()).as(path).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .as(path).isTrue();
            assertThat(response.getBody().get("errors").get(0).get("field").asText()).as(path).isNotBlank();
        }
        assertThat(auditor().getForEntity("/api/audit/export?incidentId=" + UUID.randomUUID(), JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    @Order(7)
    void letsOnlyAuditorsAndAdminsReadTheLedger() {
        for (String user : List.of("viewer", "responder")) {
            for (String path : List.of("/api/audit/entries", "/api/audit/checkpoint", "/api/audit/verify",
                    "/api/audit/proofs/inclusion?index=0", "/api/audit/proofs/consistency?from=1",
                    "/api/audit/export?fromIndex=0")) {
                assertThat(as(user).getForEntity(path, String.class).getStatusCode()).as(user + " " + path)
                        .isEqualTo(HttpStatus.FORBIDDEN);
            }
            assertThat(as(user).exchange("/api/audit/checkpoints", HttpMethod.POST, null, String.class)
                    .getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        }
        for (String user : List.of("auditor", "admin")) {
            assertThat(as(user).getForEntity("/api/audit/checkpoint", String.class).getStatusCode())
                    .isEqualTo(HttpStatus.OK);
        }
        assertThat(http.getForEntity("/api/audit/entries", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    @Order(8)
    void theDatabaseRefusesToChangeTheLedgerAndTheServiceRoleMayOnlyAppend() throws SQLException {
        try (Connection owner = TestDatabase.connect(DATABASE_URL);
             Statement sql = owner.createStatement()) {
            for (String change : List.of("UPDATE audit_entry SET actor = 'x' WHERE ledger_index = 0",
                    "DELETE FROM audit_entry WHERE ledger_index = 0", "TRUNCATE audit_entry",
                    "UPDATE audit_checkpoint SET tree_size = 0", "DELETE FROM audit_checkpoint",
                    "TRUNCATE audit_checkpoint")) {
                assertThatThrownBy(() -> sql.execute(change)).as(change).hasMessageContaining("append-only");
            }
            owner.setAutoCommit(false);
            sql.execute("SET ROLE incident_query_service");
            assertThat(sql.executeQuery("SELECT count(*) FROM audit_entry").next()).isTrue();
            sql.execute("INSERT INTO audit_checkpoint (tree_size, root_hash, signed_at, checkpoint, signature, "
                    + "public_key) VALUES (0, '\\x00', now(), 'x', '\\x00', '\\x00')");
            sql.execute("UPDATE incident SET title = title WHERE false");
            assertThatThrownBy(() -> sql.execute("UPDATE audit_entry SET actor = 'x' WHERE false"))
                    .hasMessageContaining("permission denied");
            owner.rollback();
            sql.execute("SET ROLE NONE");
            assertThatThrownBy(() -> {
                sql.execute("SET ROLE incident_query_service");
                sql.execute("DELETE FROM audit_checkpoint WHERE false");
            }).hasMessageContaining("permission denied");
            owner.rollback();
        }
    }

    @Test
    @Order(9)
    void publishesTheAuditEndpointsInTheApiDocument() {
        JsonNode docs = http.getForEntity("/v3/api-docs", JsonNode.class).getBody();
        assertThat(docs.get("paths").fieldNames()).toIterable().contains("/api/audit/entries",
                "/api/audit/checkpoint", "/api/audit/checkpoints", "/api/audit/verify", "/api/audit/proofs/inclusion",
                "/api/audit/proofs/consistency", "/api/audit/export");
        JsonNode schemas = docs.get("components").get("schemas");
        assertThat(schemas.get("AuditEntry").get("properties").fieldNames()).toIterable().contains("index",
                "eventId", "incidentId", "sequence", "type", "occurredAt", "recordedAt", "actor", "correlationId",
                "payload", "leafHash");
        assertThat(schemas.get("CheckpointView").get("properties").fieldNames()).toIterable().contains("treeSize",
                "rootHash", "signedAt", "checkpoint", "signature", "publicKey");
        assertThat(schemas.get("Verification").get("properties").fieldNames()).toIterable().contains("valid",
                "treeSize", "rootHash", "firstInvalidIndex");
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new ArrayList<>();
        array.forEach(h -> hashes.add(Hex.decode(h.asText())));
        return hashes;
    }
}
