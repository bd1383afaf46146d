package io.incidenttracker.query.stix;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /api/incidents/{id}/stix} on the running service, from events on a real topic. */
class StixExportTest extends QueryServiceIntegrationTest {

    static final UUID ID = UUID.randomUUID();
    static final Instant T0 = Instant.now().minusSeconds(3600);

    @BeforeAll
    static void anIncidentWithFindings() {
        events.publish(0, new IncidentOpened(ID, "Ransomware on booking", Severity.HIGH, T0));
        events.publish(1, new AttackDetected(ID, 1, AttackType.RANSOMWARE, Severity.HIGH, null, List.of("crm"),
                List.of("T1486"), T0));
        events.publish(2, new ForensicAnalysisStarted(ID, "disk-1", "crm", T0.plusSeconds(60)));
        events.publish(3, new ForensicFindingRecorded(ID, "disk-1", List.of("T1486"),
                List.of("198.51.100.7", "odd behaviour"), "first", T0.plusSeconds(120)));
    }

    private ResponseEntity<JsonNode> stix(String user, String query) {
        return as(user).getForEntity("/api/incidents/" + ID + "/stix" + query, JsonNode.class);
    }

    private JsonNode exported(String query) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ResponseEntity<JsonNode> answer = stix("auditor", query);
            return answer.getStatusCode() == HttpStatus.OK && answer.getBody().get("objects").findValuesAsText("type")
                    .contains("indicator");
        });
        return stix("auditor", query).getBody();
    }

    @Test
    void anAuditorGetsTheIncidentAsAStixBundleMarkedAmberByDefault() {
        JsonNode bundle = exported("");
        ResponseEntity<JsonNode> answer = stix("auditor", "");
        assertThat(answer.getHeaders().getContentType().toString()).isEqualTo("application/stix+json;version=2.1");
        List<String> types = new ArrayList<>();
        bundle.get("objects").forEach(o -> types.add(o.get("type").asText()));
        assertThat(types).contains("marking-definition", "identity", "incident", "attack-pattern", "indicator",
                                   "relationship", "note");
        assertThat(bundle.get("objects").get(0).get("id").asText())
                .isEqualTo(StixBundle.Tlp.AMBER.id());
    }

    @Test
    void theCallerChoosesTheTlpMarking() {
        exported("");
        JsonNode red = stix("admin", "?tlp=red").getBody();
        assertThat(red.get("objects").get(0).get("id").asText()).isEqualTo(StixBundle.Tlp.RED.id());
    }

    @Test
    void twoExportsOfTheSameVersionShareEveryObjectIdButNotTheBundleId() {
        JsonNode first = exported("");
        JsonNode second = stix("auditor", "").getBody();
        assertThat(second.get("objects")).isEqualTo(first.get("objects"));
        assertThat(second.get("id")).isNotEqualTo(first.get("id"));
    }

    @Test
    void anUnknownTlpIsAProblemAndAnUnknownIncidentIsNotFound() {
        ResponseEntity<JsonNode> bad = stix("auditor", "?tlp=purple");
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bad.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        assertThat(as("auditor").getForEntity("/api/incidents/" + UUID.randomUUID() + "/stix", JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void onlyAuditorsAndAdminsExport() {
        exported("");
        assertThat(stix("viewer", "").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(stix("responder", "").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(stix("admin", "").getStatusCode()).isEqualTo(HttpStatus.OK);
    }
}
