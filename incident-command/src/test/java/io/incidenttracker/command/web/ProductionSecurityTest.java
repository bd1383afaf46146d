package io.incidenttracker.command.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.command.support.Counted;
import io.incidenttracker.command.support.TestTokens;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.PublishedApi;
import io.incidenttracker.testsupport.OperationsDashboard;
import io.incidenttracker.testsupport.ServiceUnderTest;
import io.incidenttracker.testsupport.TestBroker;
import io.incidenttracker.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production profile: an OAuth2 resource server taking the configured issuer's JWTs (key made at test time),
 * roles from a configured nested claim, no demo users, HSTS, and a tight rate limit per principal.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=" + CommandServiceApplication.CONFIG_NAME,
                "spring.profiles.active=production",
                "spring.flyway.clean-disabled=false",
                "incidenttracker.security.jwt.issuer=" + TestTokens.ISSUER,
                "incidenttracker.security.jwt.roles-claim=realm_access.roles",
                "incidenttracker.security.jwt.principal-claim=preferred_username",
                "incidenttracker.http.rate-limit.requests-per-second=0.5",
                "incidenttracker.http.rate-limit.burst=" + ProductionSecurityTest.BURST,
                "management.server.port=0"})
@Import(CleanDatabaseOnStart.class)
@AutoConfigureObservability(tracing = false)
class ProductionSecurityTest {

    /**
     * The rate limit's burst. Every test's anonymous requests (the scrapes on the management port, the API document's
     * fetch, the refused credentials) share one bucket, their address's, refilled at only 0.5 a second: the burst
     * leaves them room, so that no test depends on how fast the ones before it ran.
     */
    static final int BURST = 20;

    /**
     * A database of its own: this class's context stays cached after its broker stops, and must not compete for
     * the publisher's token with the contexts of later classes.
     */
    static final String DATABASE =
            TestDatabase.ensure(TestDatabase.name("incident_command_test") + "_production");
    static final EmbeddedKafkaKraftBroker BROKER = TestBroker.withoutTopics(1);
    static final TestTokens TOKENS = new TestTokens();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceUnderTest.register(registry, DATABASE, BROKER::getBrokersAsString);
        registry.add("incidenttracker.security.jwt.public-key-location", TOKENS::publicKeyLocation);
    }

    @AfterAll
    static void stopBroker() {
        BROKER.destroy();
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();

    static Map<String, Object> user(String name, String... roles) {
        return Map.of("preferred_username", name, "realm_access", Map.of("roles", List.of(roles)));
    }

    @Test
    void aResponderTokenIssuesACommandRecordedUnderItsPrincipal() throws Exception {
        UUID id = UUID.randomUUID();
        HttpResponse<String> opened = post("/api/incidents",
                bearer(TOKENS.token("a1b2-c3", user("erin.responder", "responder"))), open(id));
        assertThat(opened.statusCode()).isEqualTo(201);
        assertThat(jdbc.queryForList("SELECT convert_from(meta_data, 'UTF8') FROM domain_event_entry "
                + "WHERE aggregate_identifier = ?", String.class, id.toString()))
                .isNotEmpty().allSatisfy(metaData -> assertThat(metaData).contains("\"erin.responder\""));
    }

    @Test
    void aViewerTokenMayNotIssueCommands() throws Exception {
        HttpResponse<String> refused = post("/api/incidents",
                bearer(TOKENS.token("v-1", user("vic.viewer", "VIEWER"))), open(UUID.randomUUID()));
        assertProblem(refused, 403);
    }

    @Test
    void rolesOutsideTheConfiguredClaimCountForNothing() throws Exception {
        String token = TOKENS.token("r-2", Map.of("preferred_username", "rita", "roles", List.of("RESPONDER")));
        assertProblem(post("/api/incidents", bearer(token), open(UUID.randomUUID())), 403);
    }

    @Test
    void refusesTokensThatAreExpiredFromAnotherIssuerOrSignedByAnotherKeyAndTheDemoUsers() throws Exception {
        long events = eventCount();
        List<String> refused = new ArrayList<>();
        refused.add(bearer(TOKENS.expiredToken("x-1", user("xavier", "RESPONDER"))));
        refused.add(bearer(TOKENS.tokenOfAnotherIssuer("x-2", user("xavier", "RESPONDER"))));
        refused.add(bearer(TOKENS.tokenSignedByAnotherKey("x-3", user("xavier", "RESPONDER"))));
        refused.add(bearer("not-a-token"));
        refused.add("Basic " + Base64.getEncoder().encodeToString("responder:responder".getBytes()));
        refused.add(null);
        double failed = count("incident.security.authentications", "reason", "InvalidBearerTokenException");
        double anonymous = count("incident.security.refusals", "caller", "anonymous");
        for (String authorization : refused) {
            HttpResponse<String> response = post("/api/incidents", authorization, open(UUID.randomUUID()));
            assertProblem(response, 401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
        }
        assertThat(eventCount()).isEqualTo(events);
        // the four tokens are failed logins; the Basic credentials (no Basic login in production) and none are
        // anonymous callers refused
        assertThat(count("incident.security.authentications", "reason", "InvalidBearerTokenException"))
                .isEqualTo(failed + 4);
        assertThat(count("incident.security.refusals", "caller", "anonymous")).isEqualTo(anonymous + 2);
    }

    private double count(String name, String tag, String value) {
        return Counted.sum(meters, name, tag, value);
    }

    @Test
    void prometheusScrapesTheManagementPortWithoutCredentialsWhileTheOtherActuatorEndpointsStayClosed()
            throws Exception {
        HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + managementPort + "/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge");
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + managementPort + "/actuator/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(metrics, 401);
        assertThat(managementPort).isNotEqualTo(port);
    }

    @Test
    void everyCommandServiceMetricOfTheDashboardAndTheAlertsIsPublished() throws Exception {
        assertThat(post("/api/incidents", bearer(TOKENS.token("m-1", user("dora", "RESPONDER"))),
                open(UUID.randomUUID())).statusCode()).isEqualTo(201);
        HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + managementPort + "/actuator/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);

        Set<String> named = OperationsDashboard.metricsOf("incident-command");
        assertThat(named).contains("http_server_requests_seconds_count", "incident_publication_lag_seconds",
                                   "incident_publication_pending_events");
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(OperationsDashboard.exposed(scrape.body()));
        assertThat(missing).as("metrics the dashboard or an alert selects but the service does not publish").isEmpty();
    }

    @Test
    void answersCarryTheSecurityHeadersIncludingHsts() throws Exception {
        HttpResponse<String> response = post("/api/incidents",
                bearer(TOKENS.token("h-1", user("hank", "RESPONDER"))), open(UUID.randomUUID()));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Strict-Transport-Security")).hasValue(
                "max-age=31536000 ; includeSubDomains");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValueSatisfying(
                cache -> assertThat(cache).contains("no-store"));
    }

    @Test
    void aCallerOverItsRateGets429WithRetryAfterWhileOthersGoOn() throws Exception {
        String busy = bearer(TOKENS.token("busy-1", user("busy.tool", "RESPONDER")));
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> throttled = null;
        for (int i = 0; i < BURST + 3 && throttled == null; i++) {
            HttpResponse<String> response = post("/api/incidents", busy, "{}");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                throttled = response;
            }
        }
        assertThat(statuses).as("the burst passes, then the bucket is empty").hasSizeGreaterThan(BURST)
                .startsWith(Collections.nCopies(BURST, 400).toArray(Integer[]::new));
        assertThat(throttled).isNotNull();
        assertProblem(throttled, 429);
        assertThat(Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 3L);

        String other = bearer(TOKENS.token("calm-1", user("calm.tool", "RESPONDER")));
        assertThat(post("/api/incidents", other, "{}").statusCode()).isEqualTo(400);
    }

    private static String open(UUID id) {
        return """
                {"incidentId":"%s","title":"Intrusion","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id);
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private HttpResponse<String> post(String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return PublishedApi.check(response, response.body());
    }

    private void assertProblem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).startsWith("urn:problem:incident-tracker:");
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }
}
