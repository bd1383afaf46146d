package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.CommandServiceIntegration;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Reporting clocks in the running service: a classification over HTTP starts them, their deadlines fire. */
class ReportingClocksOverHttpTest extends CommandServiceIntegration {

    @Test
    void aClassificationOverHttpStartsReportingClocksWhoseDeadlinesFireInTheRunningService() throws Exception {
        UUID id = openIncident();
        String base = "/api/incidents/" + id + "/classification";
        assertInvalid(http().post(base, "responder", "{\"classifications\":[\"SIGNIFICANT\"]}"), "classifiedAt");
        assertProblem(http().post(base, "responder",
                        "{\"classifications\":[\"DRAMATIC\"],\"classifiedAt\":\"2023-09-04T19:00:00Z\"}"), 400,
                "urn:problem:incident-tracker:invalid-input");
        // the defaults of a Swiss healthcare provider: the ISG report and its completion
        assertVersion(http().post(base, "responder", "{\"classifications\":[\"CRITICAL_INFRASTRUCTURE_AFFECTED\"],"
                + "\"classifiedAt\":\"2023-09-04T19:00:00Z\",\"basis\":\"telephony down\"}"), 4);
        assertProblem(http().post(base, "responder", "{\"classifications\":[\"CRITICAL_INFRASTRUCTURE_AFFECTED\"],"
                        + "\"classifiedAt\":\"2023-09-04T20:00:00Z\"}"), 409,
                "urn:problem:incident-tracker:incident-rule-violation");
        // due in 2023: both clocks miss at the scheduler's next poll; their warnings are due at that poll too, and the
        // scheduler runs due tasks side by side, so a warning may come before its miss (recorded) or after it
        // (dropped): zero to two warnings, exactly two misses, nothing else
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> assertThat(jdbc.queryForList(
                "SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ? AND sequence_number > 4",
                String.class, id.toString())).isSubsetOf("io.incidenttracker.events.incident.ObligationWarningRaised",
                "io.incidenttracker.events.incident.ObligationDeadlineMissed")
                .filteredOn(type -> type.endsWith("ObligationDeadlineMissed")).hasSize(2));
    }
}
