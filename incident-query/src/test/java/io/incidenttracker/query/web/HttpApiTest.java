package io.incidenttracker.query.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.PublishedApi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Authentication, roles and the problem answers of the HTTP API. */
class HttpApiTest extends QueryServiceIntegrationTest {

    @Autowired
    UserDetailsService users;

    @Test
    void demoUsersKeepTheirUnhashedPasswordsAfterLoggingIn() {
        assertThat(as("viewer").getForEntity("/api/incidents", JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        // were the store a UserDetailsPasswordService, the login would have re-hashed the password with bcrypt
        assertThat(users).isNotInstanceOf(UserDetailsPasswordService.class);
        assertThat(users.loadUserByUsername("viewer").getPassword()).isEqualTo("{noop}viewer");
    }

    @Test
    void answersAnAnonymousRequestWithA401ProblemAndABasicChallenge() {
        ResponseEntity<JsonNode> response = http.getForEntity("/api/incidents", JsonNode.class);
        assertProblem(response, HttpStatus.UNAUTHORIZED);
        assertThat(response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Basic");
    }

    @Test
    void answersAWrongPasswordWithA401Problem() {
        assertProblem(as("viewer", "wrong").getForEntity("/api/incidents", JsonNode.class),
                      HttpStatus.UNAUTHORIZED);
    }

    @Test
    void letsEveryRoleReadTheStatusViews() {
        for (String user : new String[]{"viewer", "responder", "auditor", "admin"}) {
            assertThat(as(user).getForEntity("/api/incidents", JsonNode.class).getStatusCode())
                    .as(user).isEqualTo(HttpStatus.OK);
            assertThat(as(user).getForEntity("/api/services", JsonNode.class).getStatusCode())
                    .as(user).isEqualTo(HttpStatus.OK);
        }
    }

    @Test
    void keepsTheAuditTrailFromViewersAndResponders() {
        assertProblem(as("viewer").getForEntity("/api/audit/entries", JsonNode.class), HttpStatus.FORBIDDEN);
        assertProblem(as("responder").getForEntity("/api/audit/entries", JsonNode.class), HttpStatus.FORBIDDEN);
        assertThat(as("auditor").getForEntity("/api/audit/entries", JsonNode.class).getStatusCode())
                .isNotEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void publishesHealthProbesAndTheApiDocumentWithoutCredentials() {
        assertThat(http.getForEntity("/actuator/health/liveness", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        ResponseEntity<JsonNode> readiness = http.getForEntity("/actuator/health/readiness", JsonNode.class);
        assertThat(readiness.getBody().get("status").asText()).isEqualTo("UP");
        ResponseEntity<JsonNode> details = as("viewer").getForEntity("/actuator/health/readiness", JsonNode.class);
        assertThat(details.getBody().get("components").fieldNames())
                .toIterable().contains("db", "kafka", "projectionGaps", "readinessState");

        ResponseEntity<JsonNode> docs = http.getForEntity("/v3/api-docs", JsonNode.class);
        assertThat(docs.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(docs.getBody().get("paths").fieldNames()).toIterable().contains(
                "/api/incidents", "/api/incidents/{id}", "/api/incidents/{id}/timeline", "/api/services");
        JsonNode schemas = docs.getBody().get("components").get("schemas");
        assertThat(schemas.get("IncidentSummary").get("properties").fieldNames()).toIterable()
                .contains("incidentId", "title", "status", "severity", "openedAt", "version");
        assertThat(schemas.get("IncidentDetail").get("properties").fieldNames()).toIterable()
                .contains("attackWaves", "systems", "services");
        assertThat(schemas.get("TimelineEntry").get("properties").fieldNames()).toIterable()
                .contains("sequence", "type", "occurredAt", "recordedAt", "actor", "summary");
        assertThat(schemas.get("ServiceBoardEntry").get("properties").fieldNames()).toIterable()
                .contains("serviceId", "state", "since", "incidentId");
    }

    @Test
    void exposesPrometheusMetricsToAuthenticatedUsers() {
        ResponseEntity<String> metrics = as("admin").getForEntity("/actuator/prometheus", String.class);
        assertThat(metrics.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(metrics.getBody()).contains("incident_projection_gaps_total");
    }

    @Test
    void rejectsAnUnknownStatusOrSeverityWithA400Problem() {
        JsonNode status = assertProblem(as("viewer").getForEntity("/api/incidents?status=ARCHIVED", JsonNode.class),
                                        HttpStatus.BAD_REQUEST);
        assertThat(status.get("errors").get(0).get("field").asText()).isEqualTo("status");
        assertThat(status.get("errors").get(0).get("message").asText()).contains("DETECTED");

        JsonNode severity = assertProblem(as("viewer").getForEntity("/api/incidents?severity=huge", JsonNode.class),
                                          HttpStatus.BAD_REQUEST);
        assertThat(severity.get("errors").get(0).get("field").asText()).isEqualTo("severity");
    }

    @Test
    void rejectsALimitOutOfRangeOrNotANumberWithA400Problem() {
        JsonNode tooLarge = assertProblem(as("viewer").getForEntity("/api/incidents?limit=1001", JsonNode.class),
                                          HttpStatus.BAD_REQUEST);
        assertThat(tooLarge.get("errors").get(0).get("field").asText()).isEqualTo("limit");
        assertProblem(as("viewer").getForEntity("/api/incidents?limit=0", JsonNode.class), HttpStatus.BAD_REQUEST);
        assertProblem(as("viewer").getForEntity("/api/incidents?limit=many", JsonNode.class), HttpStatus.BAD_REQUEST);
    }

    @Test
    void rejectsAnIncidentIdThatIsNoUuidWithA400Problem() {
        JsonNode problem = assertProblem(as("viewer").getForEntity("/api/incidents/not-a-uuid", JsonNode.class),
                                         HttpStatus.BAD_REQUEST);
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("id");
        assertProblem(as("viewer").getForEntity("/api/incidents/not-a-uuid/timeline", JsonNode.class),
                      HttpStatus.BAD_REQUEST);
    }

    @Test
    void answersAnUnknownIncidentOrPathWithA404Problem() {
        UUID unknown = UUID.randomUUID();
        JsonNode problem = assertProblem(as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, unknown),
                                         HttpStatus.NOT_FOUND);
        assertThat(problem.get("detail").asText()).contains(unknown.toString());
        assertProblem(as("viewer").getForEntity("/api/incidents/{id}/timeline", JsonNode.class, unknown),
                      HttpStatus.NOT_FOUND);
    }

    @Test
    void refusesWhatNoAuthorizationRuleNamesWithA403Problem() {
        assertProblem(as("viewer").getForEntity("/api/no-such-thing", JsonNode.class), HttpStatus.FORBIDDEN);
        assertProblem(as("admin").postForEntity("/api/incidents", null, JsonNode.class), HttpStatus.FORBIDDEN);
    }

    @Test
    void answersAnUnsupportedMethodWithA405Problem() {
        TestRestTemplate admin = as("admin");
        ResponseEntity<JsonNode> response = admin.postForEntity("/api/admin/projections", null, JsonNode.class);
        assertProblem(response, HttpStatus.METHOD_NOT_ALLOWED);
    }

    /**
     * The answers a client gets about a closed incident (no commander, never contained, no first activity known, no
     * data impact assessed, no obligations fulfilled) are the ones the published document describes: every null in a
     * field declared nullable, every problem's instance a URI reference.
     */
    @Test
    void aClosedIncidentsAnswersAgreeWithThePublishedDocument() {
        UUID id = UUID.randomUUID();
        Instant opened = Instant.parse("2026-11-30T06:15:00Z");
        events.publish(0, new IncidentOpened(id, "Closed without a commander", Severity.HIGH, opened));
        events.publish(1, new AttackDetected(id, 1, AttackType.INTRUSION, null, null, null, null, opened));
        events.publish(2, new IncidentResolved(id, "nothing found", opened.plusSeconds(3600)));
        events.publish(3, new IncidentClosed(id, "A false alarm", null, opened.plusSeconds(7200)));
        JsonNode detail = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> as("viewer").getForEntity("/api/incidents/{id}", JsonNode.class, id).getBody(),
                        node -> node != null && node.path("version").asLong() >= 3);
        assertThat(detail.get("status").asText()).isEqualTo("CLOSED");
        assertThat(detail.get("commanderId").isNull()).isTrue();
        assertThat(detail.get("containedAt").isNull()).isTrue();
        assertThat(detail.get("closure").get("waiverReason").isNull()).isTrue();
        assertThat(detail.get("attackWaves").get(0).get("firstActivityAt").isNull()).isTrue();
        assertThat(detail.get("metrics").get("timeToDetect").isNull()).isTrue();

        PublishedApi document = PublishedApi.of(http.getRootUri());
        for (String path : List.of("/api/incidents/" + id, "/api/incidents/" + id + "/timeline",
                "/api/incidents/" + id + "/metrics", "/api/incidents/" + id + "/obligations",
                "/api/incidents/" + id + "/history", "/api/incidents/" + UUID.randomUUID())) {
            ResponseEntity<String> answer = as("viewer").getForEntity(path, String.class);
            assertThat(answer.getStatusCode().value()).as(path).isIn(200, 404);
            document.check("GET", path, answer.getStatusCode().value(), answer.getHeaders(), answer.getBody());
        }
    }

    private static JsonNode assertProblem(ResponseEntity<JsonNode> response, HttpStatus status) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isNotNull();
        assertThat(response.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .as("content type %s", response.getHeaders().getContentType()).isTrue();
        JsonNode body = response.getBody();
        assertThat(body.get("type").asText()).isNotBlank();
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("status").asInt()).isEqualTo(status.value());
        assertThat(body.get("detail").asText()).isNotBlank();
        return body;
    }
}
