package io.incidenttracker.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.launcher.support.EndToEndExtension;
import io.incidenttracker.launcher.support.RunningSystem;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Disaster recovery: every stored event published again reaches the consumers a second time, and they stay correct.
 * The views keep their digest, the audit ledger appends nothing, the event history keeps one row per event.
 */
@ExtendWith(EndToEndExtension.class)
class RepublishEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void republishingEveryStoredEventChangesNoViewAndAppendsNothingToTheLedger(RunningSystem system)
            throws Exception {
        DemoStory story = new DemoStory(system.commandUri(), system.queryUri(),
                                        new PrintStream(OutputStream.nullOutputStream()));
        String incidentId = story.play("republish-" + UUID.randomUUID() + "-", (step, id, version) -> { });
        JdbcTemplate command = system.commandContext().getBean(JdbcTemplate.class);
        long stored = count(command, "domain_event_entry");
        long lastSequence = command.queryForObject(
                "SELECT max(sequence_number) FROM domain_event_entry WHERE aggregate_identifier = ?", Long.class,
                incidentId);
        JdbcTemplate query = system.queryContext().getBean(JdbcTemplate.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                count(query, "audit_entry") >= stored && count(query, "incident_event") >= stored
                        && JSON.readTree(system.getQuery("/api/incidents/" + incidentId, "auditor").body())
                                   .get("version").asLong() == lastSequence);
        long ledgerSize = count(query, "audit_entry");
        long historySize = count(query, "incident_event");
        String digest = admin(system).get("digest").asText();
        JsonNode incident = JSON.readTree(system.getQuery("/api/incidents/" + incidentId, "auditor").body());
        MeterRegistry meters = system.queryContext().getBean(MeterRegistry.class);
        double projectionDuplicates = meters.counter("incident.projection.duplicates").count();
        double ledgerDuplicates = meters.counter("incident.audit.duplicates").count();

        HttpResponse<String> response = system.postCommand("/api/admin/events/republish", "admin", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("events").asLong()).isEqualTo(stored);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                meters.counter("incident.projection.duplicates").count() >= projectionDuplicates + stored
                        && meters.counter("incident.audit.duplicates").count() >= ledgerDuplicates + stored);
        assertThat(count(query, "audit_entry")).as("the ledger appended nothing").isEqualTo(ledgerSize);
        assertThat(count(query, "incident_event")).isEqualTo(historySize);
        assertThat(admin(system).get("digest").asText()).as("the views did not change").isEqualTo(digest);
        assertThat(JSON.readTree(system.getQuery("/api/incidents/" + incidentId, "auditor").body()))
                .isEqualTo(incident);

        HttpResponse<String> refused = system.postCommand("/api/admin/events/republish", "responder", "");
        assertThat(refused.statusCode()).isEqualTo(403);
    }

    private static JsonNode admin(RunningSystem system) throws Exception {
        return JSON.readTree(system.getQuery("/api/admin/projections", "admin").body());
    }

    private static long count(JdbcTemplate jdbc, String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }
}
