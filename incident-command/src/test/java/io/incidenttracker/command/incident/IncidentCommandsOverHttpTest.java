package io.incidenttracker.command.incident;

import io.incidenttracker.command.CommandServiceIntegration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The incident's rules over HTTP: the life cycle runs, and what breaks a rule is refused and records nothing. */
class IncidentCommandsOverHttpTest extends CommandServiceIntegration {

    @Test
    void runsTheLifeCycleOverHttpAndRefusesWhatBreaksItsRules() throws Exception {
        UUID id = openIncident();
        String base = "/api/incidents/" + id;
        assertVersion(http().post(base + "/commander", "responder",
                "{\"commanderId\":\"ciso-duty\",\"assignedAt\":\"2023-08-30T06:30:00Z\"}"), 2);
        assertInvalid(http().post(base + "/commander", "responder",
                "{\"commanderId\":\"jane.doe@example.org\",\"assignedAt\":\"2023-08-30T06:30:00Z\"}"),
                "commanderId");
        assertVersion(http().post(base + "/systems/app-booking/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), 3);
        assertVersion(http().post(base + "/containment", "responder",
                "{\"containedAt\":\"2023-08-30T09:00:00Z\",\"summary\":\"isolated\"}"), 4);
        assertProblem(http().post(base + "/closure", "responder",
                        "{\"closedAt\":\"2023-08-30T10:00:00Z\",\"postIncidentSummary\":\"done\"}"), 409,
                "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post(base + "/resolution", "responder",
                "{\"resolvedAt\":\"2023-08-30T10:00:00Z\"}"), 5);
        HttpResponse<String> refused = http().post(base + "/closure", "responder",
                "{\"closedAt\":\"2023-08-30T11:00:00Z\",\"postIncidentSummary\":\"done\"}");
        assertProblem(refused, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertThat(refused.body()).contains("systems are isolated (app-booking)");
        assertVersion(http().post(base + "/systems/app-booking/reconnection", "responder",
                "{\"reconnectedAt\":\"2023-08-30T10:30:00Z\",\"note\":\"clean\"}"), 6);
        assertVersion(http().post(base + "/closure", "responder",
                "{\"closedAt\":\"2023-08-30T11:00:00Z\",\"postIncidentSummary\":\"done\"}"), 7);
        assertProblem(http().post(base + "/status-updates", "responder",
                        "{\"audience\":\"PUBLIC\",\"text\":\"resolved\",\"publishedAt\":\"2023-08-30T11:05:00Z\"}"),
                409, "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(http().post(base + "/status-updates", "responder", """
                {"audience":"PUBLIC","text":"resolved","headline":"Booking unavailable","status":"resolved",
                 "impact":"none","publishedAt":"2023-08-30T11:05:00Z"}"""), 8);
        assertInvalid(http().post(base + "/corrections", "responder",
                "{\"sequence\":3,\"occurredAt\":\"2999-01-01T00:00:00Z\",\"reason\":\"x\","
                        + "\"correctedAt\":\"2023-08-31T00:00:00Z\"}"), "occurredAt");
        assertVersion(http().post(base + "/corrections", "responder",
                "{\"sequence\":3,\"occurredAt\":\"2023-08-30T06:50:00Z\",\"reason\":\"firewall log\","
                        + "\"correctedAt\":\"2023-08-31T00:00:00Z\"}"), 9);
        assertInvalid(http().post(base + "/forensic-analyses/fa-1/findings", "responder",
                "{\"foundAt\":\"2023-08-31T00:00:00Z\"}"), "text");
        assertInvalid(http().post("/api/incidents", "responder", """
                {"title":"Cyberattack","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z","firstActivityAt":"2023-08-30T07:00:00Z"}"""),
                "firstActivityAt");
    }

    @Test
    void publicFieldsAreRefusedOnAnInternalUpdateAndUnknownPublicValuesAreRefusedAndRecordNothing()
            throws Exception {
        UUID id = openIncident();
        long before = eventCount();
        String base = "/api/incidents/" + id + "/status-updates";

        assertInvalid(http().post(base, "responder", """
                {"audience":"INTERNAL","text":"x","headline":"Booking down","publishedAt":"2023-08-30T11:05:00Z"}"""),
                "headline");
        assertInvalid(http().post(base, "responder", """
                {"audience":"INTERNAL","text":"x","impact":"major","publishedAt":"2023-08-30T11:05:00Z"}"""),
                "impact");
        assertInvalid(http().post(base, "responder", """
                {"audience":"PUBLIC","text":"x","headline":"Booking down","status":"fixed",
                 "publishedAt":"2023-08-30T11:05:00Z"}"""), "status");
        assertInvalid(http().post(base, "responder", """
                {"audience":"PUBLIC","text":"x","headline":"  ","publishedAt":"2023-08-30T11:05:00Z"}"""),
                "headline");

        assertThat(eventCount()).isEqualTo(before);
        assertVersion(http().post(base, "responder", """
                {"audience":"PUBLIC","text":"x","headline":"Booking down","status":"investigating",
                 "impact":"major","publishedAt":"2023-08-30T11:05:00Z"}"""), 2);
    }

    @Test
    void cannotRestoreAServiceThatIsNotDisruptedAndRecordsNothing() throws Exception {
        UUID id = openIncident();
        long before = eventCount();

        HttpResponse<String> refused = http().post("/api/incidents/" + id + "/services/telephony/restoration",
                "responder", "{\"restoredAt\":\"2023-09-05T01:00:00Z\"}");

        assertProblem(refused, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertThat(JSON.readTree(refused.body()).get("detail").asText())
                .isEqualTo("Service telephony is not disrupted");
        assertThat(eventCount()).isEqualTo(before);
    }
}
