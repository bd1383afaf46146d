package io.incidenttracker.query.health;

import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.OperationsDashboard;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every metric that the operations dashboard and the alerts select for the query service is one it publishes. */
class DashboardMetricsTest extends QueryServiceIntegrationTest {

    @Test
    void everyQueryServiceMetricOfTheDashboardAndTheAlertsIsPublished() {
        assertThat(as("viewer").getForEntity("/api/services", String.class).getStatusCode().is2xxSuccessful()).isTrue();
        ResponseEntity<String> scrape = as("admin").getForEntity("/actuator/prometheus", String.class);
        assertThat(scrape.getStatusCode().value()).isEqualTo(200);
        Set<String> exposed = OperationsDashboard.exposed(scrape.getBody());

        Set<String> named = OperationsDashboard.metricsOf("incident-query");
        assertThat(named).contains("incident_projection_delay_seconds_bucket", "incident_projection_parked",
                "incident_audit_ledger_size_entries", "incident_audit_checkpoint_age_seconds",
                "incident_obligations_open");
        assertThat(exposed).containsAll(named);
    }
}
