package io.incidenttracker.query.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.PublicImpact;
import io.incidenttracker.events.incident.PublicStatus;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.query.web.PublicPaths;
import io.incidenttracker.testsupport.AuthorizationMatrix;
import io.incidenttracker.testsupport.PublishedApi;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The public status page against the whole service: only what is explicitly public appears, in every format, on
 * every path the security configuration opens to anonymous callers; strong ETags with 304.
 */
@TestPropertySource(properties = {
        "incident-query.public-status.page-name=Telemedicine status",
        "incident-query.public-status.services[telephony]=Telephone lines",
        "incident-query.public-status.services[app-booking]=Appointment booking",
        "incident-query.public-status.max-age=1s",
})
class PublicStatusTest extends QueryServiceIntegrationTest {

    /** Put into everything that is not public; must never come out of a public path. */
    private static final String MARKER = "zqx7leak";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2023-08-30T06:15:00Z");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Test
    void nothingThatIsNotExplicitlyPublicAppearsOnAnyPublicPathInAnyFormat() throws Exception {
        UUID id = UUID.randomUUID();
        events.publishAs(0, new IncidentOpened(id, "Internal title " + MARKER, Severity.HIGH, T0), MARKER + "-actor");
        events.publishAs(1, new AttackDetected(id, 1, AttackType.INTRUSION, Severity.HIGH, "Attack " + MARKER,
                List.of(MARKER + "-db", "crm"), List.of("T1078"), T0), MARKER + "-actor");
        events.publish(2, new SystemIsolated(id, MARKER + "-host", "reason " + MARKER, IsolationMethod.NETWORK,
                T0.plusSeconds(60)));
        events.publish(3, new ServiceDisruptionReported(id, "telephony", ServiceImpact.UNAVAILABLE,
                "internal description " + MARKER, T0.plusSeconds(120)));
        events.publish(4, new ServiceDisruptionReported(id, MARKER + "-service", ServiceImpact.UNAVAILABLE,
                "not public " + MARKER, T0.plusSeconds(120)));
        events.publish(5, new StatusUpdatePublished(id, Audience.INTERNAL, "internal update " + MARKER,
                T0.plusSeconds(150)));
        events.publish(6, new IncidentCommanderAssigned(id, MARKER + "-commander", T0.plusSeconds(160)));
        events.publish(7, new AuthorityNotified(id, "NCSC", "CH-ISG", "ref-" + MARKER, "summary " + MARKER,
                T0.plusSeconds(170)));
        events.publish(8, new StatusUpdatePublished(id, Audience.PUBLIC, "Telephone lines are down; we are on it.",
                "Telephone lines unavailable", PublicStatus.INVESTIGATING, PublicImpact.MAJOR, T0.plusSeconds(180)));
        events.publish(9, new StatusUpdatePublished(id, Audience.INTERNAL, "second internal " + MARKER,
                T0.plusSeconds(190)));

        await().atMost(Duration.ofSeconds(30)).until(() -> get(PublicPaths.STATUS_SUMMARY, "application/json")
                .body().contains("Telephone lines unavailable"));
        await().atMost(Duration.ofSeconds(30)).until(() -> internalVersion(id) == 9);

        List<String> publicPaths = publicPaths();
        assertThat(publicPaths).containsAll(PublicPaths.ALL);
        for (String path : publicPaths) {
            for (String accept : List.of("*/*", "application/json", "text/html", "application/atom+xml",
                    "text/event-stream")) {
                for (String variant : List.of(path, path + "?incidentId=" + id, path + "?format=json")) {
                    HttpResponse<String> response = get(variant, accept);
                    assertThat(response.body().toLowerCase(Locale.ROOT))
                            .as("GET %s (Accept %s): %d", variant, accept, response.statusCode())
                            .doesNotContain(MARKER);
                    assertThat(response.headers().map().toString().toLowerCase(Locale.ROOT)).doesNotContain(MARKER);
                }
            }
        }
        // and what is public is there, in every format
        assertThat(get(PublicPaths.STATUS_PAGE, "text/html").body())
                .contains("Telephone lines unavailable", "Telephone lines are down; we are on it.", "Telephone lines",
                        "Appointment booking", "Major outage");
        assertThat(get(PublicPaths.STATUS_FEED, "application/atom+xml").body())
                .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">", "Telephone lines unavailable",
                        "Telephone lines are down; we are on it.");
        // the internal view of the same incident does hold the marker: the test can see a leak
        assertThat(as("viewer").getForObject("/api/incidents/" + id, String.class)).contains(MARKER);
    }

    @Test
    void summaryJsonHasTheShapeOfHostedStatusPagesAndAnOldResolvedIncidentLeavesIt() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        UUID id = UUID.randomUUID();
        events.publish(0, new IncidentOpened(id, "Internal title", Severity.HIGH, start));
        events.publish(1, new ServiceDisruptionReported(id, "app-booking", ServiceImpact.DEGRADED, null,
                start.plusSeconds(60)));
        events.publish(2, new StatusUpdatePublished(id, Audience.PUBLIC, "Booking is slow.",
                "Appointment booking slow", PublicStatus.IDENTIFIED, PublicImpact.MINOR, start.plusSeconds(120)));
        events.publish(3, new StatusUpdatePublished(id, Audience.PUBLIC, "Fixed.", null, PublicStatus.RESOLVED,
                null, start.plusSeconds(180)));
        UUID old = UUID.randomUUID();
        events.publish(0, new IncidentOpened(old, "Old", Severity.LOW, T0));
        events.publish(1, new StatusUpdatePublished(old, Audience.PUBLIC, "Fixed long ago.", "Old outage",
                PublicStatus.RESOLVED, PublicImpact.MINOR, T0.plusSeconds(60)));

        JsonNode incident = await().atMost(Duration.ofSeconds(30)).until(() -> incidentNamed(
                "Appointment booking slow"), node -> node != null && node.get("updates").size() == 2);
        assertThat(incident.get("id").asText()).isEqualTo(id.toString());
        assertThat(incident.get("status").asText()).isEqualTo("resolved");
        assertThat(incident.get("impact").asText()).isEqualTo("minor");
        assertThat(Instant.parse(incident.get("createdAt").asText())).isEqualTo(start.plusSeconds(120));
        assertThat(Instant.parse(incident.get("updatedAt").asText())).isEqualTo(start.plusSeconds(180));
        assertThat(incident.get("updates").get(0).get("body").asText()).isEqualTo("Fixed.");
        assertThat(incident.get("updates").get(0).get("status").asText()).isEqualTo("resolved");
        assertThat(incident.get("updates").get(1).get("status").asText()).isEqualTo("identified");
        await().atMost(Duration.ofSeconds(30)).until(() -> internalVersion(old) == 1);
        assertThat(incidentNamed("Old outage")).as("resolved more than 7 days ago").isNull();

        JsonNode summary = JSON.readTree(get(PublicPaths.STATUS_SUMMARY, "application/json").body());
        assertThat(summary.get("page").get("name").asText()).isEqualTo("Telemedicine status");
        List<String> components = new ArrayList<>();
        summary.get("components").forEach(c -> components.add(c.get("id").asText() + "=" + c.get("name").asText()
                + ":" + c.get("status").asText()));
        assertThat(components).contains("app-booking=Appointment booking:degraded_performance");
        assertThat(components).allSatisfy(component -> assertThat(component)
                .matches("(telephony|app-booking|appointment-booking)=.*"));
        assertThat(summary.get("status").get("indicator").asText()).isIn("minor", "major");
    }

    @Test
    void everyFormatAnswersAStrongEtagAndIfNoneMatchGives304WithoutABody() throws Exception {
        for (String path : PublicPaths.ALL) {
            HttpResponse<String> first = get(path, "*/*");
            assertThat(first.statusCode()).isEqualTo(200);
            String etag = first.headers().firstValue("ETag").orElseThrow();
            assertThat(etag).startsWith("\"").doesNotStartWith("W/");
            assertThat(first.headers().firstValue("Cache-Control")).hasValueSatisfying(
                    value -> assertThat(value).contains("public", "max-age"));

            HttpResponse<String> again = send(HttpRequest.newBuilder(uri(path)).header("If-None-Match", etag));
            assertThat(again.statusCode()).as(path).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.headers().firstValue("ETag")).hasValue(etag);

            HttpResponse<String> other = send(HttpRequest.newBuilder(uri(path)).header("If-None-Match", "\"other\""));
            assertThat(other.statusCode()).isEqualTo(200);
        }
        // a public change gives a new ETag
        String before = get(PublicPaths.STATUS_SUMMARY, "application/json").headers().firstValue("ETag")
                .orElseThrow();
        UUID id = UUID.randomUUID();
        events.publish(0, new IncidentOpened(id, "Internal", Severity.LOW, T0));
        events.publish(1, new StatusUpdatePublished(id, Audience.PUBLIC, "Looking into it.", "Portal slow",
                PublicStatus.INVESTIGATING, PublicImpact.MINOR, T0.plusSeconds(60)));
        await().atMost(Duration.ofSeconds(30)).until(() -> !get(PublicPaths.STATUS_SUMMARY, "application/json")
                .headers().firstValue("ETag").orElseThrow().equals(before));
    }

    @Test
    void thePageIsPlainHtmlWithoutScriptsReadableOnAPhone() {
        HttpResponse<String> page = get(PublicPaths.STATUS_PAGE, "text/html");
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .doesNotContain("<script").contains("<h1>Telemedicine status</h1>");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "style-src 'sha256-").doesNotContain("script-src");
    }

    @Test
    void theApiDocumentDeclaresEveryAnswerOfThePublicPathsAndTheStream() throws Exception {
        JsonNode paths = JSON.readTree(get("/v3/api-docs", "application/json").body()).get("paths");
        for (String path : PublicPaths.ALL) {
            JsonNode responses = paths.get(path).get("get").get("responses");
            assertThat(responses.fieldNames()).toIterable().as(path).contains("200", "304", "406", "429");
            assertThat(paths.get(path).get("get").has("security")).as(path + " needs no credentials").isTrue();
        }
        assertThat(paths.get("/api/stream").get("get").get("responses").fieldNames()).toIterable()
                .contains("200", "400", "401", "406", "429");
    }

    /** Every GET path docs/security.md (which AuthorizationMatrixTest holds the security configuration to) opens
     * to anonymous callers, the actuator's and the API documentation's included. */
    private static List<String> publicPaths() {
        TreeSet<String> paths = new TreeSet<>();
        AuthorizationMatrix.read("incident-query").rows().forEach((endpoint, answers) -> {
            if (endpoint.startsWith("GET ") && "ok".equals(answers.get("anonymous"))) {
                paths.add(AuthorizationMatrix.samplePath(endpoint.substring(4), UUID.randomUUID().toString()));
            }
        });
        return List.copyOf(paths);
    }

    private JsonNode incidentNamed(String name) throws Exception {
        for (JsonNode incident : JSON.readTree(get(PublicPaths.STATUS_SUMMARY, "application/json").body())
                .get("incidents")) {
            if (incident.get("name").asText().equals(name)) {
                return incident;
            }
        }
        return null;
    }

    private long internalVersion(UUID id) {
        try {
            JsonNode view = JSON.readTree(as("viewer").getForObject("/api/incidents/" + id, String.class));
            return view.has("version") ? view.get("version").asLong() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> get(String path, String accept) {
        return send(HttpRequest.newBuilder(uri(path)).header("Accept", accept));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(Duration.ofSeconds(90)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return PublishedApi.check(response, response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
