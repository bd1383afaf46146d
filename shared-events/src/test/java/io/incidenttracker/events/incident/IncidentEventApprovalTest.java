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
                new SystemIsolated(INCIDENT, "app-booking", "possibly infected", Instant.parse("2023-08-30T07:00:00Z")),
                new ServiceDisruptionReported(INCIDENT, "telephony", ServiceImpact.UNAVAILABLE,
                        "Telephony down after isolation", Instant.parse("2023-09-04T18:30:00Z")),
                new ServiceRestored(INCIDENT, "telephony", "emergency lines back", Instant.parse("2023-09-05T01:00:00Z")));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void serializedFormIsTheApprovedOne(IncidentEvent event) throws IOException {
        String type = IncidentEvent.CATALOG.typeOf(event.getClass());
        JsonNode approved = MAPPER.readTree(approvedFile(type));

        assertThat((JsonNode) MAPPER.valueToTree(event)).as("JSON of %s", type).isEqualTo(approved);
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

    @Test
    void listsInEventsAreNeverNullAndCannotBeChangedAfterwards() {
        AttackDetected event = new AttackDetected(INCIDENT, 2, AttackType.MALWARE, null, null, null, null,
                Instant.parse("2023-09-04T18:00:00Z"));
        assertThat(event.affectedSystems()).isEmpty();
        assertThat(event.techniques()).isEmpty();
        assertThat(event.affectedSystems()).isUnmodifiable();
    }

    private static InputStream approvedFile(String name) {
        String path = name.endsWith(".txt") ? "/approved/incident/" + name : "/approved/incident/" + name + ".json";
        InputStream in = IncidentEventApprovalTest.class.getResourceAsStream(path);
        assertThat(in).as("approved file %s", path).isNotNull();
        return in;
    }
}
