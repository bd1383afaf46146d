package io.incidenttracker.query.obligation;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The obligation views, the timeline entries of the clocks and the report drafts, from events on a real topic: one
 * incident with an ISG initial report fulfilled on time, the ISG completion open with days left, and an nDSG report
 * overdue.
 */
class ObligationViewsTest extends QueryServiceIntegrationTest {

    static final UUID ID = UUID.randomUUID();
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final Instant AWARE = NOW.minus(Duration.ofDays(4));
    static final List<String> ISG_FIELDS = List.of("detected-at", "attack-types", "severity", "extortion",
            "impact-on-functioning");

    @BeforeAll
    static void anIncidentWithThreeClocks() {
        long seq = 0;
        events.publish(seq++, new IncidentOpened(ID, "Cyberattack on booking", Severity.HIGH, AWARE.minusSeconds(3600)));
        events.publish(seq++, new AttackDetected(ID, 1, AttackType.RANSOMWARE, Severity.HIGH, null, List.of("crm"),
                List.of("T1486"), AWARE.minusSeconds(3600)));
        events.publish(seq++, new ServiceDisruptionReported(ID, "booking-" + ID.toString().substring(0, 8),
                ServiceImpact.UNAVAILABLE, "down", AWARE.minusSeconds(1800)));
        events.publish(seq++, new IncidentClassified(ID, List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED),
                "hospital booking down", AWARE));
        events.publish(seq++, isg("initial-report", AWARE.plus(Duration.ofHours(24)), ISG_FIELDS));      // 4
        events.publish(seq++, isg("completion", AWARE.plus(Duration.ofDays(14)), List.of("root-cause"))); // 5
        events.publish(seq++, new AuthorityNotified(ID, "NCSC", "CH-ISG", "NCSC-1", null,
                AWARE.plus(Duration.ofHours(10))));                                                        // 6
        events.publish(seq++, new ObligationFulfilled(ID, "CH-ISG", "initial-report", AWARE.plus(Duration.ofHours(24)),
                6, false, AWARE.plus(Duration.ofHours(10))));                                             // 7
        events.publish(seq++, new DataImpactAssessed(ID, 1, Certainty.SUSPECTED, List.of("health-data"), 1200L,
                Certainty.SUSPECTED, Certainty.CONFIRMED, "logs incomplete", AWARE.plus(Duration.ofHours(2)))); // 8
        Instant ndsgDue = AWARE.plus(Duration.ofHours(74));
        events.publish(seq++, new ObligationOpened(ID, "CH-NDSG", "Swiss nDSG Art. 24", "fdpic-report",
                "Report to the FDPIC", "FDPIC", "personal-data-suspected", ndsgDue, ndsgDue.minus(Duration.ofHours(4)),
                List.of("nature-of-breach", "data-categories", "estimated-people", "contact-point"),
                AWARE.plus(Duration.ofHours(2))));                                                         // 9
        events.publish(seq++, new ObligationWarningRaised(ID, "CH-NDSG", "fdpic-report", ndsgDue,
                ndsgDue.minus(Duration.ofHours(4))));                                                      // 10
        events.publish(seq, new ObligationDeadlineMissed(ID, "CH-NDSG", "fdpic-report", ndsgDue, ndsgDue)); // 11
    }

    private static ObligationOpened isg(String clock, Instant due, List<String> fields) {
        return new ObligationOpened(ID, "CH-ISG", "Swiss ISG", clock, "ISG " + clock, "NCSC",
                "critical-infrastructure-affected", due, due.minus(Duration.ofHours(4)), fields, AWARE);
    }

    private JsonNode obligationsOf(UUID id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ResponseEntity<JsonNode> incident = as("viewer").getForEntity("/api/incidents/" + id, JsonNode.class);
            return incident.getStatusCode() == HttpStatus.OK && incident.getBody().get("version").asLong() == 11;
        });
        ResponseEntity<JsonNode> answer = as("viewer").getForEntity("/api/incidents/" + id + "/obligations",
                JsonNode.class);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
        return answer.getBody();
    }

    @Test
    void listsAnIncidentsObligationsByDueTimeWithStateAndTimeLeftOrOverdueAtAnswerTime() {
        JsonNode obligations = obligationsOf(ID);
        assertThat(obligations).hasSize(3);

        JsonNode initial = obligations.get(0);
        assertThat(initial.get("regime").asText()).isEqualTo("CH-ISG");
        assertThat(initial.get("clock").asText()).isEqualTo("initial-report");
        assertThat(initial.get("state").asText()).isEqualTo("FULFILLED");
        assertThat(initial.get("late").asBoolean()).isFalse();
        assertThat(initial.get("notificationSequence").asLong()).isEqualTo(6);
        assertThat(initial.get("fulfilledAt").asText()).isEqualTo(AWARE.plus(Duration.ofHours(10)).toString());
        assertThat(initial.get("timeLeft").isNull()).isTrue();
        assertThat(initial.get("overdueBy").isNull()).isTrue();

        JsonNode ndsg = obligations.get(1);
        assertThat(ndsg.get("regime").asText()).isEqualTo("CH-NDSG");
        assertThat(ndsg.get("state").asText()).isEqualTo("OVERDUE");
        assertThat(ndsg.get("warningRaised").asBoolean()).isTrue();
        assertThat(ndsg.get("deadlineMissed").asBoolean()).isTrue();
        Duration overdue = Duration.parse(ndsg.get("overdueBy").asText());
        assertThat(overdue).isBetween(Duration.ofHours(22), Duration.ofHours(23));

        JsonNode completion = obligations.get(2);
        assertThat(completion.get("clock").asText()).isEqualTo("completion");
        assertThat(completion.get("state").asText()).isEqualTo("OPEN");
        assertThat(completion.get("incidentTitle").asText()).isEqualTo("Cyberattack on booking");
        Duration left = Duration.parse(completion.get("timeLeft").asText());
        assertThat(left).isBetween(Duration.ofDays(10).minusMinutes(5), Duration.ofDays(10));
        assertThat(completion.get("startedAt").asText()).isEqualTo(AWARE.toString());
    }

    @Test
    void filtersTheObligationsOfAllIncidentsByState() {
        obligationsOf(ID);
        assertThat(clocks("/api/obligations?state=overdue")).containsExactly("CH-NDSG/fdpic-report");
        assertThat(clocks("/api/obligations?state=OPEN")).containsExactly("CH-ISG/completion");
        assertThat(clocks("/api/obligations?state=fulfilled")).containsExactly("CH-ISG/initial-report");
        assertThat(clocks("/api/obligations")).containsExactly("CH-ISG/initial-report", "CH-NDSG/fdpic-report",
                "CH-ISG/completion");

        ResponseEntity<JsonNode> bad = as("viewer").getForEntity("/api/obligations?state=late", JsonNode.class);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(bad.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(bad.getBody().get("errors").get(0).get("field").asText()).isEqualTo("state");
    }

    private List<String> clocks(String path) {
        ResponseEntity<JsonNode> answer = as("viewer").getForEntity(path, JsonNode.class);
        assertThat(answer.getStatusCode()).as(path).isEqualTo(HttpStatus.OK);
        List<String> clocks = new ArrayList<>();
        answer.getBody().forEach(o -> clocks.add(o.get("regime").asText() + "/" + o.get("clock").asText()));
        return clocks;
    }

    @Test
    void theTimelineShowsWhenEachClockStartedWarnedWasMissedAndWasFulfilled() {
        obligationsOf(ID);
        JsonNode timeline = as("viewer").getForEntity("/api/incidents/" + ID + "/timeline", JsonNode.class).getBody();
        assertThat(timeline.get(3).get("summary").asText())
                .isEqualTo("Classified as CRITICAL_INFRASTRUCTURE_AFFECTED: hospital booking down");
        assertThat(timeline.get(4).get("type").asText()).isEqualTo("ObligationOpened");
        assertThat(timeline.get(4).get("summary").asText()).startsWith("Reporting clock started: CH-ISG ISG "
                + "initial-report to NCSC, due " + AWARE.plus(Duration.ofHours(24)));
        assertThat(timeline.get(7).get("summary").asText()).startsWith("Reporting obligation fulfilled: CH-ISG "
                + "initial-report by the report #6");
        assertThat(timeline.get(10).get("summary").asText()).startsWith("Reporting clock warning: CH-NDSG");
        assertThat(timeline.get(11).get("type").asText()).isEqualTo("ObligationDeadlineMissed");
        assertThat(timeline.get(11).get("summary").asText()).startsWith("Reporting deadline missed: CH-NDSG");
    }

    @Test
    void theReportDraftFillsTheRequiredFieldsFromTheIncidentAndListsWhatIsMissing() {
        obligationsOf(ID);
        ResponseEntity<JsonNode> answer = as("viewer").getForEntity("/api/incidents/" + ID + "/reports/ch-isg",
                JsonNode.class);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
        JsonNode draft = answer.getBody();
        assertThat(draft.get("regime").asText()).isEqualTo("CH-ISG");
        assertThat(draft.get("obligations")).hasSize(2);
        assertThat(draft.get("fields")).hasSize(6);
        assertThat(draft.get("fields").get(0).get("field").asText()).isEqualTo("detected-at");
        assertThat(draft.get("fields").get(0).get("value").asText()).isEqualTo(AWARE.minusSeconds(3600).toString());
        assertThat(draft.get("fields").get(1).get("value").get(0).asText()).isEqualTo("RANSOMWARE");
        assertThat(draft.get("fields").get(2).get("value").asText()).isEqualTo("HIGH");
        assertThat(draft.get("fields").get(4).get("value").get(0).asText()).contains("UNAVAILABLE");
        List<String> missing = new ArrayList<>();
        draft.get("missing").forEach(field -> missing.add(field.asText()));
        assertThat(missing).containsExactly("extortion", "root-cause");

        JsonNode ndsg = as("viewer").getForEntity("/api/incidents/" + ID + "/reports/CH-NDSG", JsonNode.class)
                .getBody();
        assertThat(ndsg.get("fields").get(0).get("value").asText())
                .isEqualTo("personal data SUSPECTED, exfiltration SUSPECTED, encryption CONFIRMED (logs incomplete)");
        assertThat(ndsg.get("fields").get(2).get("value").asText()).isEqualTo("1200");
        assertThat(ndsg.get("missing").get(0).asText()).isEqualTo("contact-point");
    }

    @Test
    void theReportDraftReadsAsMarkdownWhenAskedFor() {
        obligationsOf(ID);
        HttpHeaders headers = new HttpHeaders();
        headers.setAccept(List.of(MediaType.parseMediaType("text/markdown")));
        ResponseEntity<String> answer = as("viewer").exchange("/api/incidents/" + ID + "/reports/CH-ISG",
                HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(answer.getHeaders().getContentType().toString()).startsWith("text/markdown");
        assertThat(answer.getBody())
                .startsWith("# Report draft: Swiss ISG (CH-ISG)\n")
                .contains("| ISG initial-report | NCSC | " + AWARE + " | " + AWARE.plus(Duration.ofHours(24))
                        + " | reported at " + AWARE.plus(Duration.ofHours(10)) + " |")
                .contains("- **Severity** (`severity`): HIGH\n")
                .contains("- **Kind of attack** (`attack-types`): \n  - RANSOMWARE\n")
                .contains("## Still missing\n\n- Extortion or threats (`extortion`)\n"
                        + "- Root cause (forensic conclusions) (`root-cause`)\n");
    }

    @Test
    void aRegimeWithoutAClockOnTheIncidentOrAnUnknownIncidentIsA404Problem() {
        obligationsOf(ID);
        ResponseEntity<JsonNode> noClock = as("viewer").getForEntity("/api/incidents/" + ID + "/reports/EU-NIS2",
                JsonNode.class);
        assertThat(noClock.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(noClock.getBody().get("detail").asText()).contains("No reporting clock of EU-NIS2");

        UUID unknown = UUID.randomUUID();
        assertThat(as("viewer").getForEntity("/api/incidents/" + unknown + "/obligations", JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        HttpHeaders markdown = new HttpHeaders();
        markdown.setAccept(List.of(MediaType.parseMediaType("text/markdown")));
        ResponseEntity<String> unknownAsMarkdown = as("viewer").exchange("/api/incidents/" + unknown
                + "/reports/CH-ISG", HttpMethod.GET, new HttpEntity<>(markdown), String.class);
        assertThat(unknownAsMarkdown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void everyRoleReadsTheObligationsAndAnonymousCallersDoNot() {
        for (String user : new String[]{"viewer", "responder", "auditor", "admin"}) {
            assertThat(as(user).getForEntity("/api/obligations", JsonNode.class).getStatusCode()).as(user)
                    .isEqualTo(HttpStatus.OK);
        }
        assertThat(http.getForEntity("/api/obligations", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }
}
