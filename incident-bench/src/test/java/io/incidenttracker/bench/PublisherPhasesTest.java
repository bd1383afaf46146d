package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PublisherPhasesTest {

    /** An answer of Spring Boot's {@code /actuator/metrics/<timer>}, as the service gives it. */
    static final String TIMER = """
            {"name":"incident.publication.commit","description":"Committing a batch's Kafka transaction",\
            "baseUnit":"seconds","measurements":[{"statistic":"COUNT","value":120.0},\
            {"statistic":"TOTAL_TIME","value":0.6},{"statistic":"MAX","value":0.031}],\
            "availableTags":[]}""";

    @Test
    void readsEveryStatisticOfAMetersAnswer() {
        assertThat(Http.statistics(TIMER)).containsExactlyInAnyOrderEntriesOf(
                Map.of("COUNT", 120.0, "TOTAL_TIME", 0.6, "MAX", 0.031));
        assertThat(Http.statistics("{\"error\":\"Not Found\"}")).isEmpty();
    }

    @Test
    void dividesWhatHappenedBetweenTwoSnapshotsIntoBatchesReadsAndMeanPhases() {
        // counts and total times (seconds) of: reads found, reads empty, send, commit, position; batches' events
        PublisherPhases.Snapshot before = snapshot(100, 0.1, 1000, 0.5, 0.2, 0.5, 0.1, 250);
        PublisherPhases.Snapshot after = snapshot(150, 0.15, 1010, 0.504, 0.3, 1.0, 0.125, 400);

        Map<String, Object> phases = PublisherPhases.between(before, after, 120);

        assertThat(phases.get("batches")).isEqualTo(50.0);
        assertThat((double) phases.get("eventsPerBatch")).isEqualTo(3.0);
        assertThat((double) phases.get("readsPerCommand")).isEqualTo(0.5);
        assertThat((double) phases.get("readsEmpty")).isEqualTo(10.0);
        assertThat((double) phases.get("readFoundMillis")).isCloseTo(1.0, offset(1e-9));
        assertThat((double) phases.get("readEmptyMillis")).isCloseTo(0.4, offset(1e-9));
        assertThat((double) phases.get("sendMillis")).isCloseTo(2.0, offset(1e-9));
        assertThat((double) phases.get("commitMillis")).isCloseTo(10.0, offset(1e-9));
        assertThat((double) phases.get("positionMillis")).isCloseTo(0.5, offset(1e-9));
        assertThat(PublisherPhases.summary(phases)).isEqualTo("50 batches of 3.0 events; 0.50 reads of the store per "
                + "command (10 empty); per batch: read 1.00, send 2.00, commit 10.00, position 0.50 ms (an empty read "
                + "0.40 ms)");
    }

    /** Every batch timer counts {@code batches}; the reads their own counts. */
    private static PublisherPhases.Snapshot snapshot(double batches, double foundSeconds, double empty,
                                                     double emptySeconds, double sendSeconds, double commitSeconds,
                                                     double positionSeconds, double events) {
        return new PublisherPhases.Snapshot(Map.of(
                "readFound", Map.of("COUNT", batches, "TOTAL_TIME", foundSeconds),
                "readEmpty", Map.of("COUNT", empty, "TOTAL_TIME", emptySeconds),
                "send", Map.of("COUNT", batches, "TOTAL_TIME", sendSeconds),
                "commit", Map.of("COUNT", batches, "TOTAL_TIME", commitSeconds),
                "position", Map.of("COUNT", batches, "TOTAL_TIME", positionSeconds),
                "batchSize", Map.of("COUNT", batches, "TOTAL", events)));
    }

    @Test
    void aServiceWithoutThePublishersMetersGivesNoFigures() {
        PublisherPhases.Snapshot none = new PublisherPhases.Snapshot(Map.of());

        Map<String, Object> phases = PublisherPhases.between(none, none, 100);

        assertThat((double) phases.get("batches")).isNaN();
        assertThat((double) phases.get("commitMillis")).isNaN();
    }
}
