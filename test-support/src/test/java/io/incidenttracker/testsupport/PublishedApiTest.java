package io.incidenttracker.testsupport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check of answers against a published document: what it lets through and what it refuses. */
class PublishedApiTest {

    private static final String DOCUMENT = """
            openapi: 3.0.1
            info: {title: test, version: v1}
            paths:
              /api/incidents/{id}:
                get:
                  parameters:
                    - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
                  responses:
                    "200":
                      description: the incident
                      content:
                        application/json:
                          schema: {$ref: "#/components/schemas/Incident"}
                    "404":
                      description: unknown
                      content:
                        application/problem+json:
                          schema: {$ref: "#/components/schemas/Problem"}
            components:
              schemas:
                Incident:
                  type: object
                  properties:
                    title: {type: string}
                    resolvedAt: {type: string, format: date-time, nullable: true}
                    closedAt: {type: string, format: date-time}
                Problem:
                  type: object
                  properties:
                    status: {type: integer}
                    instance: {type: string, format: uri}
            """;

    private static final String PATH = "/api/incidents/4f1c2d3e-0000-4000-8000-000000000001";
    private static final Map<String, List<String>> JSON = Map.of("Content-Type", List.of("application/json"));
    private static final Map<String, List<String>> PROBLEM =
            Map.of("Content-Type", List.of("application/problem+json"));

    private final PublishedApi api = PublishedApi.fromDocument("test", DOCUMENT);

    @Test
    void letsThroughAnAnswerThatAgreesWithTheDocumentIncludingADeclaredNull() {
        assertThatCode(() -> api.check("GET", PATH, 200, JSON,
                "{\"title\":\"Cyberattack\",\"resolvedAt\":null,\"closedAt\":\"2026-12-02T10:00:00Z\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesANullInAFieldNotDeclaredNullable() {
        assertThatThrownBy(() -> api.check("GET", PATH, 200, JSON, "{\"title\":\"Cyberattack\",\"closedAt\":null}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("at /closedAt");
    }

    @Test
    void refusesAStatusTheOperationDoesNotDeclare() {
        assertThatThrownBy(() -> api.check("GET", PATH, 409, PROBLEM, "{\"status\":409}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("validation.response.status.unknown");
    }

    @Test
    void refusesAContentTypeTheAnswerDoesNotDeclare() {
        assertThatThrownBy(() -> api.check("GET", PATH, 200, Map.of("Content-Type", List.of("text/plain")),
                "Cyberattack"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("validation.response.contentType.notAllowed");
    }

    @Test
    void refusesARelativeInstanceWhereTheDocumentPromisesAnAbsoluteUri() {
        assertThatThrownBy(() -> api.check("GET", PATH, 404, PROBLEM,
                "{\"status\":404,\"instance\":\"" + PATH + "\"}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("at /instance");
        PublishedApi relative = PublishedApi.fromDocument("relative", DOCUMENT.replace(
                "instance: {type: string, format: uri}", "instance: {type: string, format: uri-reference}"));
        assertThatCode(() -> relative.check("GET", PATH, 404, PROBLEM,
                "{\"status\":404,\"instance\":\"" + PATH + "\"}"))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesAWrongTypeInTheBody() {
        assertThatThrownBy(() -> api.check("GET", PATH, 200, JSON, "{\"title\":42}"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("at /title");
    }

    @Test
    void leavesAnswersToPathsTheDocumentDoesNotDescribeAlone() {
        assertThatCode(() -> api.check("GET", "/actuator/health", 200, JSON, "{\"status\":\"UP\"}"))
                .doesNotThrowAnyException();
        assertThat(PublishedApi.DOCUMENT_PATH).isEqualTo("/v3/api-docs");
    }
}
