package io.incidenttracker.command.idempotency;

import io.incidenttracker.command.CommandServiceIntegration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Idempotency-Key: a repeat answers the first answer and appends nothing, also when repeats race. */
class IdempotencyTest extends CommandServiceIntegration {

    @Test
    void aRepeatWithTheSameIdempotencyKeyAnswersTheFirstAnswerAndAppendsNothing() throws Exception {
        String body = "{\"title\":\"Phishing wave\",\"attackType\":\"PHISHING\",\"severity\":\"MEDIUM\","
                + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}";
        Map<String, String> key = Map.of("Idempotency-Key", "open-" + UUID.randomUUID());

        HttpResponse<String> first = http().post("/api/incidents", "responder", body, key);
        long events = eventCount();
        HttpResponse<String> repeat = http().post("/api/incidents", "responder", body, key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(repeat.statusCode()).isEqualTo(201);
        assertThat(repeat.body()).isEqualTo(first.body());
        assertThat(repeat.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(eventCount()).isEqualTo(events);

        HttpResponse<String> otherBody = http().post("/api/incidents", "responder",
                body.replace("Phishing wave", "Something else"), key);
        assertProblem(otherBody, 422, "urn:problem:incident-tracker:idempotency-key-reused");
        assertThat(eventCount()).isEqualTo(events);
    }

    @Test
    void concurrentRepeatsWithOneIdempotencyKeyAppendOnce() throws Exception {
        UUID id = openIncident();
        Map<String, String> key = Map.of("Idempotency-Key", "isolate-" + UUID.randomUUID());
        String body = "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}";
        long before = eventCount();

        List<java.util.concurrent.Future<HttpResponse<String>>> answers = new ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> http().post("/api/incidents/" + id + "/systems/crm/isolation",
                        "responder", body, key)));
            }
            for (var answer : answers) {
                HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(JSON.readTree(response.body()).get("version").asLong()).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(eventCount()).isEqualTo(before + 1);
    }

    @Test
    void concurrentCommandsWithTheirOwnIdempotencyKeysOnOneIncidentAllApply() throws Exception {
        UUID id = openIncident();
        List<HttpResponse<String>> answers = concurrently(16, i -> http().post(
                "/api/incidents/" + id + "/systems/node-" + i + "/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}", Map.of("Idempotency-Key", "node-" + i + "-" + id)));

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        List<Long> versions = new ArrayList<>();
        for (HttpResponse<String> answer : answers) {
            versions.add(JSON.readTree(answer.body()).get("version").asLong());
        }
        assertThat(versions).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.rangeClosed(2, 17).boxed().toList());
    }
}
