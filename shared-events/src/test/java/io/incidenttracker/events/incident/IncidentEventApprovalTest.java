package io.incidenttracker.events.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Freezes the published JSON of every incident event and the type names on the topic. A failure here means a change
 * of the public contract: add a new revision with an upcaster instead of editing an approved file.
 */
class IncidentEventApprovalTest {

    /** Configured like both services' mappers: ISO-8601 instants, no timestamps as numbers. */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    static final UUID INCIDENT = UUID.fromString("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10");

    static Stream<IncidentEvent> samples() {
        return Stream.of(
                new IncidentOpened(INCIDENT, "Cyberattack on telemedicine platform", Severity.HIGH,
                        Instant.parse("2023-08-30T06:15:00Z")),
                new AttackDetected(INCIDENT, 1, AttackType.INTRUSION, Severity.HIGH,
                        "Suspicious logins on the booking backend", List.of("app-booking", "crm"),
                        List.of("T1078", "T1486"), Instant.parse("2023-08-30T06:15:00Z")),
                new SystemIsolated(INCIDENT, "app-booking", "possibly infected", IsolationMethod.NETWORK,
                        Instant.parse("2023-08-30T07:00:00Z")),
                new ServiceDisruptionReported(INCIDENT, "telephony", ServiceImpact.UNAVAILABLE,
                        "Telephony down after isolation", Instant.parse("2023-09-04T18:30:00Z")),
                new ServiceRestored(INCIDENT, "telephony", "emergency lines back", Instant.parse("2023-09-05T01:00:00Z")),
                new SeverityChanged(INCIDENT, Severity.CRITICAL, "Second wave encrypted the telephony servers",
                        Instant.parse("2023-09-04T18:20:00Z")),
                new IncidentCommanderAssigned(INCIDENT, "ciso-duty", Instant.parse("2023-08-30T06:30:00Z")),
                new SystemReconnected(INCIDENT, "app-booking", "Reinstalled and scanned clean",
                        Instant.parse("2023-09-05T00:30:00Z")),
                new FirstActivityEstimated(INCIDENT, 1, Instant.parse("2023-08-29T22:40:00Z"),
                        "First suspicious VPN login in the gateway log", Instant.parse("2023-08-30T06:15:00Z")),
                new IncidentContained(INCIDENT, "All possibly infected systems isolated",
                        Instant.parse("2023-08-30T09:00:00Z")),
                new IncidentResolved(INCIDENT, "Services restored, attacker access removed",
                        Instant.parse("2023-09-05T01:00:00Z")),
                new IncidentClosed(INCIDENT,
                        "Two waves; booking and telephony restored overnight; no patient data left", null,
                        Instant.parse("2023-10-02T12:00:00Z")),
                new IncidentReopened(INCIDENT, "A further wave was detected", Instant.parse("2023-09-04T18:00:00Z")),
                new ForensicAnalysisStarted(INCIDENT, "fa-1", "Booking backend and telephony gateway",
                        Instant.parse("2023-08-31T08:00:00Z")),
                new ForensicFindingRecorded(INCIDENT, "fa-1", List.of("T1078", "T1486"),
                        List.of("185.220.101.4", "sha256:9f86d081884c7d65"),
                        "Valid VPN account used from an anonymising network", Instant.parse("2023-09-12T15:00:00Z")),
                new ForensicAnalysisConcluded(INCIDENT, "fa-1",
                        "Entry through a reused VPN password; no exfiltration found",
                        Instant.parse("2023-09-29T16:00:00Z")),
                new DataImpactAssessed(INCIDENT, 2, Certainty.NONE_KNOWN, List.of("health-data"), null,
                        Certainty.NONE_KNOWN, Certainty.CONFIRMED,
                        "No patient data left, according to current knowledge", Instant.parse("2023-09-06T10:00:00Z")),
                new AuthorityNotified(INCIDENT, "NCSC", "CH-ISG", "NCSC-2023-0815", "Initial report of the second wave",
                        Instant.parse("2023-09-05T09:00:00Z")),
                new StatusUpdatePublished(INCIDENT, Audience.PUBLIC,
                        "Doctors can treat patients again; emergency lines are back.",
                        "Appointment booking and telephone lines unavailable", PublicStatus.MONITORING,
                        PublicImpact.MINOR, Instant.parse("2023-09-05T07:00:00Z")),
                new IncidentLinked(INCIDENT, UUID.fromString("9e3d1c2b-7a6f-4e5d-8c4b-3a2f1e0d9c8b"),
                        LinkRelation.SAME_CAMPAIGN, "Second wave first opened on its own",
                        Instant.parse("2023-09-04T20:00:00Z")),
                new OccurredAtCorrected(INCIDENT, 3, Instant.parse("2023-08-30T06:50:00Z"),
                        "Isolation time taken from the firewall log", Instant.parse("2023-08-31T10:00:00Z")),
                new IncidentClassified(INCIDENT,
                        List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED, Classification.SIGNIFICANT),
                        "Booking and telephony of a healthcare provider down", Instant.parse("2023-09-04T19:00:00Z")),
                new ObligationOpened(INCIDENT, "CH-ISG", "Swiss Information Security Act (ISG)", "initial-report",
                        "Report to the NCSC", "NCSC", "critical-infrastructure-affected",
                        Instant.parse("2023-09-05T19:00:00Z"), Instant.parse("2023-09-05T15:00:00Z"),
                        List.of("detected-at", "attack-types", "severity"), Instant.parse("2023-09-04T19:00:00Z")),
                new ObligationWarningRaised(INCIDENT, "CH-ISG", "initial-report", Instant.parse("2023-09-05T19:00:00Z"),
                        Instant.parse("2023-09-05T15:00:00Z")),
                new ObligationDeadlineMissed(INCIDENT, "CH-ISG", "initial-report",
                        Instant.parse("2023-09-05T19:00:00Z"), Instant.parse("2023-09-05T19:00:00Z")),
                new ObligationFulfilled(INCIDENT, "CH-ISG", "initial-report", Instant.parse("2023-09-05T19:00:00Z"),
                        17, false, Instant.parse("2023-09-05T09:00:00Z")));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void serializedFormIsTheApprovedOne(IncidentEvent event) throws IOException {
        String type = IncidentEvent.CATALOG.typeOf(event.getClass());
        JsonNode approved = MAPPER.readTree(approvedFile(type));

        // compared as parsed text, which is what travels: a long and an int of the same value are the same JSON
        JsonNode actual = MAPPER.readTree(MAPPER.writeValueAsString(event));
        assertThat(actual).as("JSON of %s", type).isEqualTo(approved);
        assertThat(MAPPER.treeToValue(approved, event.getClass())).isEqualTo(event);
    }

    @Test
    void everyPublishedTypeHasAnApprovedSample() {
        List<String> sampled = samples().map(e -> IncidentEvent.CATALOG.typeOf(e.getClass())).toList();
        assertThat(sampled).containsExactlyInAnyOrderElementsOf(IncidentEvent.CATALOG.types().keySet());
    }

    @Test
    void publishedTypeNamesAreTheApprovedOnes() throws IOException {
        String approved = new String(approvedFile("types.txt").readAllBytes(), StandardCharsets.UTF_8);
        String actual = IncidentEvent.CATALOG.types().entrySet().stream()
                .map(Map.Entry::getKey)
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(actual).isEqualTo(approved);
    }

    /** The approved revision-1 file stays frozen: it is what the store and the topic hold from before revision 2. */
    @Test
    void revisionOneOfSystemIsolatedIsReadAsRevisionTwoWithTheMethodUnrecorded() throws IOException {
        JsonNode revisionOne = MAPPER.readTree(approvedFile("io.incidenttracker.incident.system-isolated.v1"));
        IncidentEventUpcasts.Step step = IncidentEventUpcasts.fromType("io.incidenttracker.incident.system-isolated.v1")
                .orElseThrow();
        assertThat(step.toType()).isEqualTo(IncidentEvent.CATALOG.typeOf(SystemIsolated.class));
        assertThat(IncidentEventUpcasts.from("system-isolated", "1")).contains(step);

        @SuppressWarnings("unchecked")
        Map<String, Object> members = MAPPER.convertValue(revisionOne, Map.class);
        JsonNode upcast = MAPPER.valueToTree(step.apply(members));

        assertThat(members).doesNotContainKey("method");
        assertThat(upcast).isEqualTo(MAPPER.readTree("""
                {"incidentId":"5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10","systemId":"app-booking",
                 "reason":"possibly infected","method":"UNRECORDED","occurredAt":"2023-08-30T07:00:00Z"}"""));
        assertThat(MAPPER.treeToValue(upcast, SystemIsolated.class)).isEqualTo(new SystemIsolated(INCIDENT,
                "app-booking", "possibly infected", IsolationMethod.UNRECORDED, Instant.parse("2023-08-30T07:00:00Z")));
    }

    /** Revision 1 had no public fields: an update published then reads as one that gave none of them. */
    @Test
    void revisionOneOfStatusUpdatePublishedIsReadAsRevisionTwoWithoutPublicFields() throws IOException {
        JsonNode revisionOne = MAPPER.readTree(
                approvedFile("io.incidenttracker.incident.status-update-published.v1"));
        IncidentEventUpcasts.Step step = IncidentEventUpcasts
                .fromType("io.incidenttracker.incident.status-update-published.v1").orElseThrow();
        assertThat(step.toType()).isEqualTo(IncidentEvent.CATALOG.typeOf(StatusUpdatePublished.class));

        @SuppressWarnings("unchecked")
        Map<String, Object> members = MAPPER.convertValue(revisionOne, Map.class);
        JsonNode upcast = MAPPER.valueToTree(step.apply(members));

        assertThat(members).doesNotContainKeys("headline", "status", "impact");
        assertThat(upcast).isEqualTo(MAPPER.readTree("""
                {"incidentId":"5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10","audience":"PUBLIC",
                 "text":"Doctors can treat patients again; emergency lines are back.",
                 "occurredAt":"2023-09-05T07:00:00Z","headline":null,"status":null,"impact":null}"""));
        assertThat(MAPPER.treeToValue(upcast, StatusUpdatePublished.class)).isEqualTo(new StatusUpdatePublished(
                INCIDENT, Audience.PUBLIC, "Doctors can treat patients again; emergency lines are back.",
                Instant.parse("2023-09-05T07:00:00Z")));
    }

    @Test
    void everyOlderRevisionUpcastsStepByStepToTheCurrentOne() {
        for (IncidentEventUpcasts.Step step : IncidentEventUpcasts.STEPS) {
            assertThat(IncidentEvent.CATALOG.classOf(step.fromType())).as(step.fromType()).isEmpty();
            String type = step.toType();
            while (IncidentEvent.CATALOG.classOf(type).isEmpty()) {
                type = IncidentEventUpcasts.fromType(type).orElseThrow(() -> new AssertionError(step + " ends nowhere"))
                        .toType();
            }
            assertThat(approvedFile(step.fromType())).as("the revision it reads stays approved").isNotNull();
        }
    }

    @Test
    void listsInEventsAreNeverNullAndCannotBeChangedAfterwards() {
        AttackDetected event = new AttackDetected(INCIDENT, 2, AttackType.MALWARE, null, null, null, null,
                Instant.parse("2023-09-04T18:00:00Z"));
        assertThat(event.affectedSystems()).isEmpty();
        assertThat(event.techniques()).isEmpty();
        assertThat(event.affectedSystems()).isUnmodifiable();
        assertThat(new ForensicFindingRecorded(INCIDENT, "fa-1", null, null, "x", Instant.EPOCH).indicators()).isEmpty();
        assertThat(new DataImpactAssessed(INCIDENT, 1, Certainty.SUSPECTED, null, null, null, null, null,
                Instant.EPOCH).dataCategories()).isEmpty();
    }

    private static InputStream approvedFile(String name) {
        String path = name.endsWith(".txt") ? "/approved/incident/" + name : "/approved/incident/" + name + ".json";
        InputStream in = IncidentEventApprovalTest.class.getResourceAsStream(path);
        assertThat(in).as("approved file %s", path).isNotNull();
        return in;
    }
}
