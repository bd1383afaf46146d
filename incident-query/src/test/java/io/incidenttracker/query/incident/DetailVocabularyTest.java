package io.incidenttracker.query.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.incidenttracker.query.incident.IncidentViews.IncidentDetail;
import org.junit.jupiter.api.Test;

class DetailVocabularyTest {

    private final String dictionary = new String(DetailVocabulary.dictionary(), StandardCharsets.UTF_8);

    @Test
    void holdsEveryNameOfADetailDownToItsListsEntries() {
        assertThat(dictionary).contains("\"incidentId\":", "\"attackWaves\":[{\"wave\":0,", "\"isolationMethod\":",
                "\"metrics\":{", "\"timeToRestore\":", "\"findings\":[{",
                "\"dataImpact\":{\"latest\":null,\"history\":[{", "\"firstActivityAt\":null");
        for (var component : IncidentDetail.class.getRecordComponents()) {
            assertThat(dictionary).contains("\"" + component.getName() + "\":");
        }
    }

    @Test
    void holdsEveryValueOfTheEnumerationsADetailUses() {
        for (ServiceState state : ServiceState.values()) {
            assertThat(dictionary).contains("\"" + state.name() + "\"");
        }
        for (SystemState state : SystemState.values()) {
            assertThat(dictionary).contains("\"" + state.name() + "\"");
        }
        assertThat(dictionary).contains("\"CRITICAL\"", "\"CONTAINED\"", "\"OUTGOING\"", "\"INCOMING\"");
    }

    @Test
    void fitsTheWindowThatDeflateReferencesBack() {
        assertThat(DetailVocabulary.dictionary().length).isBetween(1_000, 32 * 1024);
    }
}
