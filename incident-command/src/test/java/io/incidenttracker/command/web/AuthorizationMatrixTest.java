package io.incidenttracker.command.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.testsupport.AuthorizationMatrix;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.Http;
import io.incidenttracker.testsupport.SecurityChains;
import io.incidenttracker.testsupport.ServiceUnderTest;
import io.incidenttracker.testsupport.TestBroker;
import io.incidenttracker.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/security.md's authorization matrix of the command service, asserted for every endpoint and every caller, and the
 * check that it names every endpoint the service maps; then access at the object level: no identifier of one
 * incident (an idempotency key, an analysis, an event sequence) reaches another, no body sets what the server owns.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + CommandServiceApplication.CONFIG_NAME,
                "spring.flyway.clean-disabled=false"})
@Import(CleanDatabaseOnStart.class)
class AuthorizationMatrixTest {

    /**
     * A database of its own: this class's context stays cached after its broker stops, and must not compete for
     * the publisher's token with the contexts of later classes.
     */
    static final String DATABASE =
            TestDatabase.ensure(TestDatabase.name("incident_command_test") + "_authorization");
    static final EmbeddedKafkaKraftBroker BROKER = TestBroker.withoutTopics(1);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceUnderTest.register(registry, DATABASE, BROKER::getBrokersAsString);
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcTemplate jdbc;

    final ObjectMapper json = new ObjectMapper();
    final AuthorizationMatrix matrix = AuthorizationMatrix.read("incident-command");

    @Test
    void theMatrixNamesEveryMappedEndpointAndNoOther() {
        Set<String> mapped = AuthorizationMatrix.mappedEndpoints(context);
        assertThat(matrix.missingRows(mapped))
                .as("docs/security.md's authorization matrix of incident-command lacks these rows (fill in ok/401/403)")
                .isEmpty();
        assertThat(matrix.staleRows(mapped))
                .as("docs/security.md's authorization matrix of incident-command names endpoints that are not mapped")
                .isEmpty();
    }

    @Test
    void everyCallerGetsExactlyWhatTheMatrixSaysAndNothingIsRecordedByRefusedCalls() throws Exception {
        long events = eventCount();
        List<String> wrong = matrix.wrongAnswers(http());
        assertThat(wrong).as("answers that break docs/security.md's authorization matrix").isEmpty();
        assertThat(eventCount()).isEqualTo(events);
    }

    /**
     * The access rules above are matched by path pattern alone, and no filter ahead of the security chain looks
     * each request's handler up in Spring MVC; the path is parsed once for the matchers (PathPatternMatching).
     */
    @Test
    void theRulesMatchByPathPatternWithoutAskingSpringMvcForTheHandler() {
        assertThat(SecurityChains.notMatchedByPathAlone(context)).isEmpty();
    }

    /** The strict firewall with the web platform's header rules (HeaderFirewall), not one of its own. */
    @Test
    void theSecurityChainSeesRequestsThroughTheWebPlatformsFirewall() {
        assertThat(SecurityChains.firewall(context)).isSameAs(context.getBean(HttpFirewall.class));
    }

    @Test
    void aRequestTheFirewallRejectsIsA400ProblemForAnonymousCallersToo() throws Exception {
        HttpResponse<String> response = http().call("GET", "/api/incidents/%2e%2e/x", "anonymous");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.isProblem(response)).isTrue();
    }

    @Test
    void noCommandAcceptsServerOwnedOrUnknownFields() throws Exception {
        long events = eventCount();
        UUID incident = open();
        List<String> accepted = new ArrayList<>();
        for (HostileCommandFuzzTest.Endpoint endpoint : HostileCommandFuzzTest.commandEndpoints(
                context.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class))) {
            for (String field : List.of("status", "version", "actor", "incidentId", "recordedAt")) {
                if (List.of(endpoint.body().getRecordComponents()).stream().anyMatch(c -> c.getName().equals(field))) {
                    continue;
                }
                ObjectNode body = HostileCommandFuzzTest.plausibleBody(endpoint.body());
                body.put(field, "version".equals(field) ? "7" : "CLOSED");
                HttpResponse<String> response = http().post(endpoint.pattern()
                        .replace("{incidentId}", incident.toString()).replace("{wave}", "0")
                        .replaceAll("\\{[^}]+}", "app-booking"), "responder", body.toString());
                JsonNode problem = json.readTree(response.body());
                if (response.statusCode() != 400 || !field.equals(problem.path("errors").path(0).path("field").asText())) {
                    accepted.add(endpoint + " with " + field + ": " + response.statusCode() + " " + response.body());
                }
            }
        }
        assertThat(accepted).isEmpty();
        assertThat(eventCount()).isEqualTo(events + 2);
    }

    @Test
    void anIdempotencyKeyAnswersOnlyForTheIncidentAndPrincipalItWasUsedWith() throws Exception {
        UUID first = open();
        UUID second = open();
        String isolation = "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}";
        Map<String, String> key = Map.of("Idempotency-Key", "isolate-" + first);
        assertThat(http().post("/api/incidents/" + first + "/systems/app-booking/isolation", "responder", isolation,
                key).statusCode()).isEqualTo(200);
        long events = eventCount();

        HttpResponse<String> elsewhere = http().post("/api/incidents/" + second + "/systems/app-booking/isolation",
                "responder", isolation, key);
        assertThat(elsewhere.statusCode()).as("the key names a command on another incident").isEqualTo(422);
        assertThat(eventCount()).isEqualTo(events);

        HttpResponse<String> otherCaller = http().post("/api/incidents/" + first + "/systems/app-booking/isolation",
                "admin", isolation, key);
        assertThat(otherCaller.statusCode()).as("keys are per principal: admin's own command runs").isEqualTo(409);
        assertThat(otherCaller.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void identifiersOfOneIncidentReachNothingOfAnother() throws Exception {
        UUID first = open();
        UUID second = open();
        assertThat(http().post("/api/incidents/" + first + "/forensic-analyses", "responder",
                "{\"analysisId\":\"fa-1\",\"startedAt\":\"2023-08-30T09:00:00Z\"}").statusCode()).isEqualTo(200);
        long events = eventCount();

        assertThat(http().post("/api/incidents/" + second + "/forensic-analyses/fa-1/conclusion", "responder",
                "{\"concludedAt\":\"2023-08-31T09:00:00Z\",\"conclusion\":\"x\"}").statusCode())
                .as("an analysis of the first incident through the second's path").isEqualTo(409);
        assertThat(http().post("/api/incidents/" + second + "/corrections", "responder",
                "{\"sequence\":2,\"occurredAt\":\"2023-08-30T06:00:00Z\",\"reason\":\"x\","
                        + "\"correctedAt\":\"2023-08-31T09:00:00Z\"}").statusCode())
                .as("an event sequence only the first incident has").isEqualTo(409);
        assertThat(http().post("/api/incidents", "responder", openBody(first)).statusCode())
                .as("opening again with the first incident's id").isEqualTo(409);
        assertThat(http().post("/api/incidents/" + second + "/attacks", "responder",
                "{\"incidentId\":\"" + first + "\",\"attackType\":\"MALWARE\",\"detectedAt\":\"2023-08-30T07:00:00Z\"}")
                .statusCode()).as("another incident's id in the body").isEqualTo(400);
        assertThat(eventCount()).isEqualTo(events);
    }

    private UUID open() {
        UUID id = UUID.randomUUID();
        assertThat(http().post("/api/incidents", "responder", openBody(id)).statusCode()).isEqualTo(201);
        return id;
    }

    private static String openBody(UUID id) {
        return """
                {"incidentId":"%s","title":"Intrusion","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id);
    }

    private Http http() {
        return new Http("http://localhost:" + port);
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }
}
