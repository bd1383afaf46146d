package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessorPhasesTest {

    @Test
    void dividesEachProcessorsBatchesIntoTheirEventsWaitHandlingAndCommit() {
        ProcessorPhases.Snapshot before = snapshot(100, 1000, 2.0, 0.2, 0.5, 3.0);
        ProcessorPhases.Snapshot after = snapshot(150, 1250, 4.5, 0.3, 1.0, 3.2);

        Map<String, Object> all = ProcessorPhases.between(before, after);

        @SuppressWarnings("unchecked")
        Map<String, Object> projection = (Map<String, Object>) all.get("incident-projection");
        assertThat(projection.get("batches")).isEqualTo(50.0);
        assertThat((double) projection.get("eventsPerBatch")).isEqualTo(5.0);
        assertThat((double) projection.get("waitedMillis")).isCloseTo(10.0, offset(1e-9));
        assertThat((double) projection.get("handleMillis")).isCloseTo(2.0, offset(1e-9));
        assertThat((double) projection.get("commitMillis")).isCloseTo(10.0, offset(1e-9));
        assertThat(all).containsKeys("incident-history", "audit-ledger", "webhook-outbox");
        assertThat(ProcessorPhases.summary(all)).contains(
                "incident-projection: 50 batches of 5.0 events; an event waited 10.00 ms for its batch; "
                        + "per batch: handle 2.00, commit 10.00 ms",
                "query service: 4 collection pauses, 200 ms in all (the longest recent 90 ms)",
                "details rendered after their batch: 250, 2.00 ms after its commit on average (the longest recent "
                        + "15 ms)");
    }

    @Test
    void givesNotANumberWhereTheServiceHasNoSuchMeters() {
        ProcessorPhases.Snapshot empty = new ProcessorPhases.Snapshot(Map.of(), Map.of(), Map.of());

        Map<String, Object> all = ProcessorPhases.between(empty, empty);

        @SuppressWarnings("unchecked")
        Map<String, Object> ledger = (Map<String, Object>) all.get("audit-ledger");
        assertThat((double) ledger.get("eventsPerBatch")).isNaN();
        assertThat((double) ledger.get("commitMillis")).isNaN();
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) all.get(ProcessorPhases.DETAILS);
        assertThat((double) details.get("meanLagMillis")).isNaN();
    }

    /** Every processor alike: batches and their events, waited events' seconds, handling and commit seconds. */
    private static ProcessorPhases.Snapshot snapshot(double batches, double events, double waitedSeconds,
                                                     double handleSeconds, double commitSeconds, double gcSeconds) {
        Map<String, Map<String, Map<String, Double>>> processors = new HashMap<>();
        for (String processor : ProcessorPhases.PROCESSORS) {
            processors.put(processor, Map.of(
                    "batch.size", Map.of("COUNT", batches, "TOTAL", events),
                    "waited", Map.of("COUNT", events, "TOTAL_TIME", waitedSeconds, "MAX", 0.08),
                    "handle", Map.of("COUNT", batches, "TOTAL_TIME", handleSeconds),
                    "commit", Map.of("COUNT", batches, "TOTAL_TIME", commitSeconds)));
        }
        return new ProcessorPhases.Snapshot(processors,
                Map.of("COUNT", gcSeconds * 20, "TOTAL_TIME", gcSeconds, "MAX", 0.09),
                Map.of("COUNT", events, "TOTAL_TIME", events * 0.002, "MAX", 0.015));
    }
}
