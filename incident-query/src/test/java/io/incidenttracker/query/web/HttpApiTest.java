package io.incidenttracker.query.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;
import org.springframework.security.core.userdetails.UserDetailsService;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertProblem(http.withBasicAuth("viewer", "wrong").getForEntity("/api/incidents", JsonNode.class),
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
