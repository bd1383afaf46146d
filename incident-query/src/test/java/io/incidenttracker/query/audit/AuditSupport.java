package io.incidenttracker.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.audit.verify.ExportVerifier;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Helpers shared by the audit integration tests. */
final class AuditSupport {

    private AuditSupport() {
    }

    static JsonNode awaitLedgerSize(TestRestTemplate auditor, int size) {
        JsonNode[] entries = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            ResponseEntity<JsonNode> response = auditor.getForEntity("/api/audit/entries?limit=1000", JsonNode.class);
            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(response.getBody().size()).isEqualTo(size);
            entries[0] = response.getBody();
        });
        return entries[0];
    }

    static JsonNode checkpoint(TestRestTemplate auditor) {
        ResponseEntity<JsonNode> response = auditor.getForEntity("/api/audit/checkpoint", JsonNode.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        return response.getBody();
    }

    static String export(TestRestTemplate auditor, String query) {
        ResponseEntity<String> response = auditor.getForEntity("/api/audit/export?" + query, String.class);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.OK);
        assertThat(response.getHeaders().getContentType().toString()).startsWith("application/x-ndjson");
        return response.getBody();
    }

    /** Verifies an export as a regulator would: with the public key only, offline. */
    static ExportVerifier.Result verifyOffline(String export, String publicKeyBase64) throws IOException {
        return new ExportVerifier(Base64.getDecoder().decode(publicKeyBase64))
                .verify(new BufferedReader(new StringReader(export)));
    }

    /** A connection as a database superuser that switched the ledger's triggers off for its session. */
    static java.sql.Connection superuser(String url) throws java.sql.SQLException {
        java.sql.Connection connection = io.incidenttracker.testsupport.TestDatabase.connect(url);
        try (java.sql.Statement statement = connection.createStatement()) {
            // what a superuser can do: switch the triggers off for this session
            statement.execute("SET session_replication_role = replica");
        }
        return connection;
    }

    /** Runs statements as a database superuser with the ledger's triggers off. */
    static void asSuperuser(String url, String... statements) throws java.sql.SQLException {
        try (java.sql.Connection connection = superuser(url);
             java.sql.Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
