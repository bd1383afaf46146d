package io.incidenttracker.query.incident;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Which requests the direct read takes: the rest go on to the controllers (ViewDocumentsTest, over HTTP). */
class StoredViewFilterTest {

    @Test
    void takesTheDetailPathOnlyWithACanonicalUuid() {
        UUID id = UUID.randomUUID();
        assertThat(StoredViewFilter.incidentId("/api/incidents/" + id)).isEqualTo(id);
        assertThat(StoredViewFilter.incidentId("/api/incidents/" + id.toString().toUpperCase())).isEqualTo(id);
        assertThat(StoredViewFilter.incidentId("/api/incidents/" + id + "/")).isNull();
        assertThat(StoredViewFilter.incidentId("/api/incidents/" + id + "x")).isNull();
        assertThat(StoredViewFilter.incidentId("/api/incidents/" + id.toString().replace('-', '0'))).isNull();
        assertThat(StoredViewFilter.incidentId("/api/incidents/" + id.toString().substring(1) + "g")).isNull();
        assertThat(StoredViewFilter.incidentId("/api/incidents/1-1-1-1-1")).as("accepted by UUID.fromString")
                .isNull();
        assertThat(StoredViewFilter.incidentId("/api/incidentz/" + id)).isNull();
        assertThat(StoredViewFilter.incidentId("/api/incidents")).isNull();
    }

    @Test
    void takesARequestThatAcceptsJson() {
        assertThat(StoredViewFilter.acceptsJson(null)).isTrue();
        assertThat(StoredViewFilter.acceptsJson(" ")).isTrue();
        assertThat(StoredViewFilter.acceptsJson("*/*")).isTrue();
        assertThat(StoredViewFilter.acceptsJson("application/json")).isTrue();
        assertThat(StoredViewFilter.acceptsJson("application/*")).isTrue();
        assertThat(StoredViewFilter.acceptsJson("text/plain, application/json, application/*+json, */*")).isTrue();
    }

    @Test
    void leavesARequestThatDoesNotAcceptJsonToTheController() {
        assertThat(StoredViewFilter.acceptsJson("text/csv")).isFalse();
        assertThat(StoredViewFilter.acceptsJson("text/html, application/xml")).isFalse();
        assertThat(StoredViewFilter.acceptsJson("no media type")).isFalse();
    }
}
