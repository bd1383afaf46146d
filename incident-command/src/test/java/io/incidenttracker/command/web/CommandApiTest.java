package io.incidenttracker.command.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.incidenttracker.command.CommandServiceIntegration;
import org.axonframework.springboot.autoconfig.AxonTimeoutAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP contract of the command API apart from the rules of incidents: invalid input and unknown incidents
 * answered as problems, the OpenAPI document, readiness.
 */
class CommandApiTest extends CommandServiceIntegration {

    @Autowired
    private ApplicationContext context;

    /**
     * Axon 4.13.0 captures the handling thread's whole stack whenever one of its time-outs starts: for every command
     * and every event sourcing handler. They are off (docs/performance-log.md, "Freshness under overload").
     */
    @Test
    void handlesCommandsWithoutAxonsTimeOutsThatCaptureTheStackPerHandler() {
        assertThat(context.getEnvironment().getProperty("axon.timeout.enabled")).isEqualTo("false");
        assertThat(context.getBeanNamesForType(AxonTimeoutAutoConfiguration.class)).isEmpty();
    }

    @Test
    void refusesInvalidInputWithAProblemAndRecordsNothing() throws Exception {
        UUID id = openIncident();
        long before = eventCount();
        String future = Instant.now().plus(Duration.ofHours(2)).toString();

        assertInvalid(http().post("/api/incidents", "responder",
                "{\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"2023-08-30T06:15:00Z\"}"), "title");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"WORM\",\"severity\":\"LOW\","
                        + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}"),
                "attackType");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"yesterday\"}"),
                "detectedAt");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\",\"detectedAt\":\"" + future + "\"}"),
                "detectedAt");
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\","
                        + "\"detectedAt\":\"2023-08-30T06:15:00Z\","
                        + "\"affectedSystems\":[\"Not A Slug\"]}"), "affectedSystems[0]");
        assertInvalid(http().post("/api/incidents/" + id + "/attacks", "responder",
                "{\"attackType\":\"MALWARE\",\"detectedAt\":\"2023-08-30T06:15:00Z\",\"actor\":\"someone-else\"}"),
                "actor");
        assertInvalid(http().post("/api/incidents/" + id + "/systems/Bad%20Slug/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), "systemId");
        assertInvalid(http().post("/api/incidents/not-a-uuid/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"), "incidentId");
        assertInvalid(http().post("/api/incidents/" + id + "/services/telephony/disruption", "responder",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-09-04T18:30:00Z\""), "body");
        assertInvalid(http().post("/api/incidents/" + id + "/services/telephony/disruption", "responder",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"2023-09-04T18:30:00Z\"}", Map.of("If-Match", "3")),
                "If-Match");
        assertProblem(http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "isolatedAt=2023-08-30T07:00:00Z", Map.of("Content-Type", "text/plain")), 415,
                "urn:problem:incident-tracker:unsupported-media-type");
        assertProblem(http().post("/api/incidents", "responder",
                "{\"title\":\"" + "x".repeat(70_000) + "\"}"), 413, "urn:problem:incident-tracker:payload-too-large");

        assertThat(eventCount()).isEqualTo(before);
    }

    @Test
    void refusesABodyWithADuplicateKeyAndRecordsNothing() throws Exception {
        UUID id = openIncident();
        long before = eventCount();
        assertInvalid(http().post("/api/incidents", "responder",
                "{\"title\":\"a\",\"title\":\"b\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\","
                        + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}"), "body");
        assertInvalid(http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\",\"reason\":\"x\",\"reason\":\"y\"}"), "body");
        assertThat(eventCount()).isEqualTo(before);
        // the same bodies without the repetition are accepted
        assertThat(http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\",\"reason\":\"y\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void answers404ForAnUnknownIncident() throws Exception {
        HttpResponse<String> response = http().post("/api/incidents/" + UUID.randomUUID() + "/systems/crm/isolation",
                "responder", "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}");
        assertProblem(response, 404, "urn:problem:incident-tracker:not-found");
    }

    @Test
    void publishesAnOpenApiDocumentWithEveryCommand() throws Exception {
        JsonNode paths = JSON.readTree(http().get("/v3/api-docs", null).body()).get("paths");
        assertThat(paths.has("/api/incidents")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/attacks")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/systems/{systemId}/isolation")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/services/{serviceId}/disruption")).isTrue();
        assertThat(paths.has("/api/incidents/{incidentId}/services/{serviceId}/restoration")).isTrue();
        for (String path : List.of("/attacks/{wave}/first-activity", "/severity", "/commander",
                "/systems/{systemId}/reconnection", "/containment", "/resolution", "/closure", "/reopening",
                "/forensic-analyses", "/forensic-analyses/{analysisId}/findings",
                "/forensic-analyses/{analysisId}/conclusion", "/data-impact-assessments", "/authority-notifications",
                "/status-updates", "/links", "/corrections")) {
            assertThat(paths.has("/api/incidents/{incidentId}" + path)).as(path).isTrue();
        }
        List<String> isolationHeaders = new ArrayList<>();
        paths.at("/~1api~1incidents~1{incidentId}~1systems~1{systemId}~1isolation/post/parameters").forEach(
                parameter -> isolationHeaders.add(parameter.get("in").asText() + ":" + parameter.get("name").asText()));
        assertThat(isolationHeaders).contains("header:If-Match", "header:Idempotency-Key", "header:X-Correlation-Id")
                .noneMatch(parameter -> parameter.startsWith("query:"));
    }

    @Test
    void reportsReadinessOfDatabaseAndKafka() throws Exception {
        HttpResponse<String> readiness = http().get("/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(readiness.body()).get("status").asText()).isEqualTo("UP");
        assertThat(http().get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(http().get("/actuator/health", "admin").body());
        assertThat(health.at("/components/db/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/kafka/status").asText()).isEqualTo("UP");
    }

    @Test
    void staysReadyWithoutKafkaBecauseCommandsCommitWithoutIt() throws Exception {
        // the readiness group: commands need the database only; Kafka's state is the publication lag's to report
        JsonNode readiness = JSON.readTree(http().get("/actuator/health/readiness", "admin").body());
        assertThat(readiness.at("/components/db/status").asText()).as(readiness.toString()).isEqualTo("UP");
        assertThat(readiness.at("/components/readinessState/status").asText()).isEqualTo("UP");
        assertThat(readiness.get("components").has("kafka")).as(readiness.toString()).isFalse();
    }
}
