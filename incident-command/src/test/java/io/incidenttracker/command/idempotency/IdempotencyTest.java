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

    @Test
    void aRepeatWhoseCommandTheFirstAnswerHasMadeImpossibleStillAnswersTheFirstAnswer() throws Exception {
        UUID id = openIncident();
        String path = "/api/incidents/" + id + "/services/payroll/";
        http().post(path + "disruption", "responder", "{\"impact\":\"DEGRADED\",\"since\":\"2023-08-30T07:00:00Z\"}");
        Map<String, String> key = Map.of("Idempotency-Key", "restore-" + UUID.randomUUID());
        String body = "{\"restoredAt\":\"2023-08-30T08:00:00Z\"}";

        HttpResponse<String> first = http().post(path + "restoration", "responder", body, key);
        long events = eventCount();
        // restoring a service that is no longer disrupted would be refused: the repeat is still the first answer
        HttpResponse<String> repeat = http().post(path + "restoration", "responder", body, key);
        HttpResponse<String> unkeyed = http().post(path + "restoration", "responder", body);

        long version = JSON.readTree(first.body()).get("version").asLong();
        assertVersion(repeat, version);
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(eventCount()).isEqualTo(events);
        assertProblem(unkeyed, 409, "urn:problem:incident-tracker:incident-rule-violation");
    }

    @Test
    void aRepeatWhoseCommandCouldRunAgainAppendsNothingAndLeavesTheIncidentAsTheFirstLeftIt() throws Exception {
        UUID id = openIncident();
        Map<String, String> key = Map.of("Idempotency-Key", "wave-" + UUID.randomUUID());
        String body = "{\"attackType\":\"MALWARE\",\"detectedAt\":\"2023-08-30T07:00:00Z\"}";

        HttpResponse<String> first = http().post("/api/incidents/" + id + "/attacks", "responder", body, key);
        long events = eventsOf(id);
        // a further attack wave could be recorded again: the repeat's own wave is rolled back
        HttpResponse<String> repeat = http().post("/api/incidents/" + id + "/attacks", "responder", body, key);
        long afterRepeat = eventsOf(id);
        HttpResponse<String> next = http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:30:00Z\"}");

        long version = JSON.readTree(first.body()).get("version").asLong();
        assertVersion(repeat, version);
        assertThat(afterRepeat).isEqualTo(events);
        assertVersion(next, version + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM idempotency_record WHERE idempotency_key = ?",
                Long.class, key.get("Idempotency-Key"))).isEqualTo(1);
    }

    @Test
    void aRefusedKeyedCommandLeavesTheKeyUnusedForARetry() throws Exception {
        UUID id = openIncident();
        Map<String, String> key = Map.of("Idempotency-Key", "restore-early-" + UUID.randomUUID());
        String path = "/api/incidents/" + id + "/services/payroll/";
        String body = "{\"restoredAt\":\"2023-08-30T08:00:00Z\"}";

        HttpResponse<String> refused = http().post(path + "restoration", "responder", body, key);
        http().post(path + "disruption", "responder", "{\"impact\":\"DEGRADED\",\"since\":\"2023-08-30T07:00:00Z\"}");
        HttpResponse<String> retried = http().post(path + "restoration", "responder", body, key);

        assertProblem(refused, 409, "urn:problem:incident-tracker:incident-rule-violation");
        assertVersion(retried, 3);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    private long eventsOf(UUID incidentId) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, incidentId.toString());
    }
}
