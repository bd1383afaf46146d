package io.incidenttracker.command.incident;

import io.incidenttracker.command.CommandServiceIntegration;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands that race on one incident: If-Match names the version a command applies to, conflicting commands give one
 * consistent outcome with contiguous sequences, and a client-chosen id opens one incident only.
 */
class ConcurrentCommandsTest extends CommandServiceIntegration {

    @Test
    void appliesACommandOnlyWhenIfMatchNamesTheCurrentVersion() throws Exception {
        UUID id = openIncident();
        String body = "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}";

        HttpResponse<String> stale = http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder",
                body, Map.of("If-Match", "\"0\""));
        assertProblem(stale, 412, "urn:problem:incident-tracker:version-mismatch");
        assertThat(stale.headers().firstValue("ETag")).hasValue("\"1\"");

        assertVersion(http().post("/api/incidents/" + id + "/systems/crm/isolation", "responder", body,
                Map.of("If-Match", "\"1\"")), 2);
    }

    @Test
    void thirtyTwoConcurrentConflictingCommandsGiveOneConsistentOutcome() throws Exception {
        UUID id = openIncident();
        List<HttpResponse<String>> sameSystem = concurrently(32, i -> http().post(
                "/api/incidents/" + id + "/systems/crm/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}"));
        List<HttpResponse<String>> sameVersion = concurrently(32, i -> http().post(
                "/api/incidents/" + id + "/systems/host-" + i + "/isolation", "responder",
                "{\"isolatedAt\":\"2023-08-30T07:00:00Z\"}", Map.of("If-Match", "\"2\"")));
        List<HttpResponse<String>> independent = concurrently(32, i -> http().post(
                "/api/incidents/" + id + "/services/svc-" + i + "/disruption", "responder",
                "{\"impact\":\"DEGRADED\",\"since\":\"2023-08-30T07:00:00Z\"}"));

        assertThat(sameSystem).extracting(HttpResponse::statusCode).containsOnly(200, 409)
                .filteredOn(status -> status == 200).hasSize(1);
        assertThat(sameVersion).extracting(HttpResponse::statusCode).containsOnly(200, 412)
                .filteredOn(status -> status == 200).hasSize(1);
        assertThat(independent).extracting(HttpResponse::statusCode).containsOnly(200);

        List<Long> versions = new ArrayList<>();
        for (HttpResponse<String> response : independent) {
            versions.add(JSON.readTree(response.body()).get("version").asLong());
        }
        assertThat(versions).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(4L, 35L));
        List<Long> sequences = jdbc.queryForList("SELECT sequence_number FROM domain_event_entry "
                + "WHERE aggregate_identifier = ? ORDER BY global_index", Long.class, id.toString());
        assertThat(sequences).hasSize(2 + 1 + 1 + 32);
        for (int i = 0; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).as("contiguous sequence in commit order").isEqualTo(i);
        }
    }

    @Test
    void aClientChosenIdCannotOpenASecondIncident() throws Exception {
        UUID id = openIncident();
        HttpResponse<String> again = http().post("/api/incidents", "responder", """
                {"incidentId":"%s","title":"again","attackType":"MALWARE","severity":"LOW",
                 "detectedAt":"2023-08-30T06:15:00Z"}""".formatted(id));
        assertProblem(again, 409, "urn:problem:incident-tracker:concurrent-change");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE aggregate_identifier = ?",
                Long.class, id.toString())).isEqualTo(2);
    }
}
