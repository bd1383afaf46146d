package io.incidenttracker.query.incident;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
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

/** The life cycle and everything recorded beside it, from the topic into detail, timeline, boards and metrics. */
class IncidentLifecycleProjectionTest extends QueryServiceIntegrationTest {

    static final Instant AUG_29 = Instant.parse("2023-08-29T22:40:00Z");
    static final Instant AUG_30 = Instant.parse("2023-08-30T06:15:00Z");
    static final Instant SEP_4 = Instant.parse("2023-09-04T18:00:00Z");
    static final Instant SEP_5 = Instant.parse("2023-09-05T01:00:00Z");

    @Test
    void projectsTheWholeLifeCycleWithCorrectionsIntoDetailTimelineBoardsAndMetrics() {
        UUID id = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String suffix = id.toString().substring(0, 8);
        String booking = "app-booking-" + suffix;
        String gateway = "gateway-" + suffix;
        String telephony = "telephony-" + suffix;

        long seq = 0;
        events.publish(seq++, new IncidentOpened(id, "Cyberattack", Severity.HIGH, AUG_30));                 // 0
        events.publish(seq++, new AttackDetected(id, 1, AttackType.INTRUSION, Severity.HIGH, null,
                List.of(booking), List.of("T1078"), AUG_30));                                                // 1
        events.publish(seq++, new FirstActivityEstimated(id, 1, AUG_29, null, AUG_30));                      // 2
        events.publish(seq++, new IncidentCommanderAssigned(id, "ciso-duty", AUG_30.plusSeconds(900)));      // 3
        events.publish(seq++, new SystemIsolated(id, booking, "possibly infected", IsolationMethod.UNRECORDED, AUG_30.plusSeconds(3600))); // 4
        events.publish(seq++, new SystemIsolated(id, gateway, "possibly infected", IsolationMethod.UNRECORDED, AUG_30.plusSeconds(3600))); // 5
        events.publish(seq++, new ServiceDisruptionReported(id, booking, ServiceImpact.UNAVAILABLE, null,
                AUG_30.plusSeconds(3900)));                                                                    // 6
        events.publish(seq++, new IncidentContained(id, "isolated", AUG_30.plusSeconds(7200)));              // 7

        JsonNode contained = awaitVersion(id, 7);
        assertThat(contained.get("status").asText()).isEqualTo("CONTAINED");
        assertThat(contained.get("containedAt").asText()).isEqualTo("2023-08-30T08:15:00Z");
        assertThat(contained.get("commanderId").asText()).isEqualTo("ciso-duty");
        assertThat(isolatedSystemsOf(id)).containsExactly(booking, gateway);
        assertThat(listIds("/api/incidents?status=CONTAINED")).contains(id);

        events.publish(seq++, new AttackDetected(id, 2, AttackType.RANSOMWARE, Severity.CRITICAL, null,
                List.of(), List.of("T1486"), SEP_4));                                                          // 8
        events.publish(seq++, new ServiceDisruptionReported(id, telephony, ServiceImpact.UNAVAILABLE, null,
                SEP_4.plusSeconds(1800)));                                                                     // 9
        events.publish(seq++, new SeverityChanged(id, Severity.HIGH, "encryption stopped early",
                SEP_4.plusSeconds(2400)));                                                                     // 10
        JsonNode secondWave = awaitVersion(id, 10);
        assertThat(secondWave.get("status").asText()).as("a new wave undoes containment").isEqualTo("DETECTED");
        assertThat(secondWave.get("containedAt").isNull()).isTrue();
        assertThat(secondWave.get("severity").asText()).isEqualTo("HIGH");
        assertThat(texts(secondWave.get("severityHistory"), "severity")).containsExactly("HIGH", "CRITICAL", "HIGH");

        events.publish(seq++, new ServiceRestored(id, booking, null, SEP_5));                                 // 11
        events.publish(seq++, new ServiceRestored(id, telephony, "emergency lines back", SEP_5));             // 12
        events.publish(seq++, new SystemReconnected(id, booking, "clean", SEP_5.minusSeconds(600)));          // 13
        events.publish(seq++, new IncidentContained(id, null, SEP_5.minusSeconds(1200)));                     // 14
        events.publish(seq++, new ForensicAnalysisStarted(id, "fa-1", "backend", SEP_5.plusSeconds(3600)));   // 15
        events.publish(seq++, new ForensicFindingRecorded(id, "fa-1", List.of("T1078"), List.of("185.220.101.4"),
                "VPN account misused", SEP_5.plusSeconds(86400)));                                             // 16
        events.publish(seq++, new DataImpactAssessed(id, 1, Certainty.SUSPECTED, List.of("health-data"), null,
                Certainty.SUSPECTED, Certainty.CONFIRMED, "unclear", SEP_4.plusSeconds(3600)));                // 17
        events.publish(seq++, new DataImpactAssessed(id, 2, Certainty.NONE_KNOWN, List.of("health-data"), null,
                Certainty.NONE_KNOWN, Certainty.CONFIRMED, "No patient data left, according to current knowledge",
                SEP_5.plusSeconds(2 * 86400)));                                                                // 18
        events.publish(seq++, new AuthorityNotified(id, "NCSC", "CH-ISG", "NCSC-1", "initial",
                SEP_5.plusSeconds(8 * 3600)));                                                                 // 19
        events.publish(seq++, new StatusUpdatePublished(id, Audience.PUBLIC, "Doctors can treat patients again",
                SEP_5.plusSeconds(6 * 3600)));                                                                 // 20
        events.publish(seq++, new IncidentLinked(id, other, LinkRelation.SAME_CAMPAIGN, "wave 2 opened alone",
                SEP_4.plusSeconds(7200)));                                                                     // 21
        events.publish(seq++, new ForensicAnalysisConcluded(id, "fa-1", "reused VPN password",
                SEP_5.plusSeconds(20 * 86400)));                                                               // 22
        events.publish(seq++, new IncidentResolved(id, "recovered", SEP_5.plusSeconds(21 * 86400)));         // 23
        // the booking disruption began at 07:00, not 07:20
        events.publish(seq++, new OccurredAtCorrected(id, 6, Instant.parse("2023-08-30T07:00:00Z"),
                "taken from the monitoring", SEP_5.plusSeconds(22 * 86400)));                                  // 24
        events.publish(seq++, new IncidentClosed(id, "Two waves, restored overnight", "gateway decommissioned",
                SEP_5.plusSeconds(30 * 86400)));                                                               // 25

        JsonNode incident = awaitVersion(id, 25);
        assertThat(incident.get("status").asText()).isEqualTo("CLOSED");
        assertThat(incident.get("closure").get("postIncidentSummary").asText()).isEqualTo("Two waves, restored overnight");
        assertThat(incident.get("closure").get("waiverReason").asText()).isEqualTo("gateway decommissioned");
        assertThat(incident.get("resolvedAt").asText()).isEqualTo("2023-09-26T01:00:00Z");
        assertThat(incident.get("containedAt").asText()).isEqualTo("2023-09-05T00:40:00Z");
        assertThat(texts(incident.get("statusHistory"), "status"))
                .containsExactly("CONTAINED", "DETECTED", "CONTAINED", "RESOLVED", "CLOSED");
        assertThat(incident.get("attackWaves").get(0).get("firstActivityAt").asText()).isEqualTo("2023-08-29T22:40:00Z");

        JsonNode analysis = incident.get("forensicAnalyses").get(0);
        assertThat(analysis.get("analysisId").asText()).isEqualTo("fa-1");
        assertThat(analysis.get("conclusion").asText()).isEqualTo("reused VPN password");
        assertThat(analysis.get("findings").get(0).get("indicators").get(0).asText()).isEqualTo("185.220.101.4");

        JsonNode dataImpact = incident.get("dataImpact");
        assertThat(dataImpact.get("latest").get("revision").asInt()).isEqualTo(2);
        assertThat(dataImpact.get("latest").get("personalData").asText()).isEqualTo("NONE_KNOWN");
        assertThat(dataImpact.get("latest").get("rationale").asText())
                .isEqualTo("No patient data left, according to current knowledge");
        assertThat(dataImpact.get("history")).hasSize(2);

        assertThat(incident.get("notifications").get(0).get("authority").asText()).isEqualTo("NCSC");
        assertThat(incident.get("notifications").get(0).get("reference").asText()).isEqualTo("NCSC-1");
        assertThat(incident.get("statusUpdates").get(0).get("audience").asText()).isEqualTo("PUBLIC");
        assertThat(incident.get("links").get(0).get("incidentId").asText()).isEqualTo(other.toString());
        assertThat(incident.get("links").get(0).get("direction").asText()).isEqualTo("OUTGOING");

        // the correction: the view shows the corrected time, the timeline both
        assertThat(serviceSince(incident, booking)).isEqualTo("2023-09-05T01:00:00Z");
        JsonNode correction = incident.get("corrections").get(0);
        assertThat(correction.get("correctedSequence").asLong()).isEqualTo(6);
        assertThat(correction.get("correctedType").asText()).isEqualTo("ServiceDisruptionReported");
        assertThat(correction.get("originalOccurredAt").asText()).isEqualTo("2023-08-30T07:20:00Z");
        assertThat(correction.get("correctedOccurredAt").asText()).isEqualTo("2023-08-30T07:00:00Z");
        JsonNode timeline = as("viewer").getForObject("/api/incidents/{id}/timeline", JsonNode.class, id);
        assertThat(timeline).hasSize(26);
        assertThat(timeline.get(6).get("occurredAt").asText()).isEqualTo("2023-08-30T07:20:00Z");
        assertThat(timeline.get(6).get("correctedOccurredAt").asText()).isEqualTo("2023-08-30T07:00:00Z");
        assertThat(timeline.get(6).get("correctedBySequence").asLong()).isEqualTo(24);
        assertThat(timeline.get(24).get("summary").asText()).isEqualTo("Corrected when ServiceDisruptionReported (#6) "
                + "happened from 2023-08-30T07:20:00Z to 2023-08-30T07:00:00Z: taken from the monitoring");
        assertThat(timeline.get(18).get("summary").asText()).isEqualTo("Data impact assessment, revision 2: personal "
                + "data NONE_KNOWN, exfiltration NONE_KNOWN, encryption CONFIRMED, categories health-data: No patient "
                + "data left, according to current knowledge");
        assertThat(timeline.get(19).get("summary").asText())
                .isEqualTo("Reported to NCSC under CH-ISG (reference NCSC-1): initial");
        timeline.forEach(entry -> assertThat(entry.get("summary").asText()).isNotBlank());

        // metrics use the corrected disruption start
        JsonNode metrics = as("viewer").getForObject("/api/incidents/{id}/metrics", JsonNode.class, id);
        assertThat(metrics).isEqualTo(incident.get("metrics"));
        assertThat(metrics.get("timeToDetect").asText()).isEqualTo("PT7H35M");
        assertThat(metrics.get("timeToContain").asText()).isEqualTo("PT2H");
        assertThat(metrics.get("timeToResolve").asText()).isEqualTo(
                Duration.between(AUG_30, Instant.parse("2023-09-26T01:00:00Z")).toString());
        assertThat(metrics.get("waves").get(1).get("timeToContain").asText()).isEqualTo("PT6H40M");
        JsonNode bookingRestore = metrics.get("services").get(0);
        assertThat(bookingRestore.get("serviceId").asText()).isEqualTo(booking);
        assertThat(bookingRestore.get("disruptedAt").asText()).isEqualTo("2023-08-30T07:00:00Z");
        assertThat(bookingRestore.get("timeToRestore").asText())
                .isEqualTo(Duration.between(Instant.parse("2023-08-30T07:00:00Z"), SEP_5).toString());
        assertThat(metrics.get("services").get(1).get("timeToRestore").asText()).isEqualTo("PT6H30M");

        // the gateway stayed isolated (waived at closure), the booking backend was reconnected
        assertThat(isolatedSystemsOf(id)).containsExactly(gateway);
        assertThat(listIds("/api/incidents?open=false")).contains(id);
        assertThat(listIds("/api/incidents?open=true")).doesNotContain(id);
        assertThat(listIds("/api/incidents?status=CLOSED&openedFrom=2023-08-30T00:00:00Z"
                + "&openedBefore=2023-08-31T00:00:00Z")).contains(id);
        assertThat(listIds("/api/incidents?openedFrom=2023-08-31T00:00:00Z")).doesNotContain(id);
    }

    @Test
    void showsALinkOnBothIncidents() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        events.publish(0, new IncidentOpened(first, "First wave", Severity.HIGH, AUG_30));
        events.publish(1, new AttackDetected(first, 1, AttackType.INTRUSION, null, null, null, null, AUG_30));
        events.publish(0, new IncidentOpened(second, "Second wave", Severity.CRITICAL, SEP_4));
        events.publish(1, new AttackDetected(second, 1, AttackType.RANSOMWARE, null, null, null, null, SEP_4));
        events.publish(2, new IncidentLinked(second, first, LinkRelation.SAME_CAMPAIGN, "same attacker",
                SEP_4.plusSeconds(60)));
        awaitVersion(second, 2);
        JsonNode incoming = awaitVersion(first, 1).get("links").get(0);
        assertThat(incoming.get("incidentId").asText()).isEqualTo(second.toString());
        assertThat(incoming.get("direction").asText()).isEqualTo("INCOMING");
        assertThat(incoming.get("relation").asText()).isEqualTo("SAME_CAMPAIGN");
    }

    @Test
    void refusesAMalformedTimeFilter() {
        ResponseEntity<JsonNode> response = as("viewer").getForEntity("/api/incidents?openedFrom=yesterday",
                JsonNode.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    private JsonNode awaitVersion(UUID id, long version) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    ResponseEntity<JsonNode> response = as("viewer").getForEntity("/api/incidents/{id}",
                            JsonNode.class, id);
                    return response.getStatusCode() == HttpStatus.OK ? response.getBody() : null;
                }, node -> node != null && node.get("version").asLong() >= version);
    }

    private List<String> isolatedSystemsOf(UUID id) {
        List<String> systems = new ArrayList<>();
        as("viewer").getForObject("/api/isolated-systems", JsonNode.class).forEach(entry -> {
            if (entry.get("incidentId").asText().equals(id.toString())) {
                systems.add(entry.get("systemId").asText());
            }
        });
        return systems;
    }

    private List<UUID> listIds(String path) {
        List<UUID> ids = new ArrayList<>();
        as("viewer").getForObject(path, JsonNode.class)
                .forEach(entry -> ids.add(UUID.fromString(entry.get("incidentId").asText())));
        return ids;
    }

    private static String serviceSince(JsonNode incident, String serviceId) {
        for (JsonNode service : incident.get("services")) {
            if (service.get("serviceId").asText().equals(serviceId)) {
                return service.get("since").asText();
            }
        }
        throw new AssertionError("no service " + serviceId);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.get(field).asText()));
        return values;
    }
}
