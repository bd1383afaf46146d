package io.incidenttracker.command.web;

import io.incidenttracker.command.CommandServiceIntegration;
import io.incidenttracker.testsupport.OperationsDashboard;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Every metric that the operations dashboard and the alerts select for the command service is one it publishes. */
class DashboardMetricsTest extends CommandServiceIntegration {

    /**
     * The publication gauges (incident.publication.lag in seconds, incident.publication.pending) belong to the
     * publisher's health indicator "publication"; until that is part of this build they may be absent, never
     * misnamed: every other metric must be published.
     */
    static final Set<String> PUBLICATION_GAUGES =
            Set.of("incident_publication_lag_seconds", "incident_publication_pending");

    @Test
    void everyCommandServiceMetricOfTheDashboardAndTheAlertsIsPublished() throws Exception {
        openIncident();
        HttpResponse<String> scrape = http().get("/actuator/prometheus", "admin");
        assertThat(scrape.statusCode()).isEqualTo(200);
        Set<String> exposed = OperationsDashboard.exposed(scrape.body());

        Set<String> named = OperationsDashboard.metricsOf("incident-command");
        assertThat(named).contains("http_server_requests_seconds_count", "incident_publication_lag_seconds");
        Set<String> missing = new TreeSet<>(named);
        missing.removeAll(exposed);
        assertThat(PUBLICATION_GAUGES).containsAll(missing);
    }
}
