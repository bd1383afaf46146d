package io.incidenttracker.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The query service's processors over a stretch of a measure, from their meters read before and after: for each
 * processor, its batches (transactions with its token) and their events, how long a live event had been recorded
 * when its batch started (publication, broker, fetch and the wait behind the batches before it), and each batch's
 * handling and commit. For the status projection they split the freshness stage "fetched to visible": the wait in the
 * query service, the handling and the commit (after which the harness's poll sees the change). Beside them: the
 * incident details rendered after their batches committed, and how long each waited for its rendering.
 */
final class ProcessorPhases {

    static final List<String> PROCESSORS =
            List.of("incident-projection", "incident-history", "audit-ledger", "webhook-outbox");

    /** The key of the query service's collection pauses among {@link #between}'s processors. */
    static final String COLLECTIONS = "collections";
    /** The key of the details rendered after their batches among {@link #between}'s processors. */
    static final String DETAILS = "details";

    private static final List<String> METERS = List.of("batch.size", "waited", "handle", "commit");

    /**
     * The meters' statistics at one moment, by processor and meter, the service's collection pauses, and the lag of
     * the details rendered after their batches.
     */
    record Snapshot(Map<String, Map<String, Map<String, Double>>> processors, Map<String, Double> collections,
                    Map<String, Double> renderLag) {

        double get(String processor, String meter, String statistic) {
            return processors.getOrDefault(processor, Map.of()).getOrDefault(meter, Map.of())
                    .getOrDefault(statistic, Double.NaN);
        }
    }

    private ProcessorPhases() {
    }

    static Snapshot snapshot(Http http, int queryPort) throws IOException, InterruptedException {
        Map<String, Map<String, Map<String, Double>>> read = new LinkedHashMap<>();
        for (String processor : PROCESSORS) {
            Map<String, Map<String, Double>> meters = new LinkedHashMap<>();
            for (String meter : METERS) {
                meters.put(meter, http.meterStatistics(queryPort,
                        "incident.processor." + meter + "?tag=processor:" + processor));
            }
            read.put(processor, meters);
        }
        return new Snapshot(read, http.meterStatistics(queryPort, "jvm.gc.pause"),
                            http.meterStatistics(queryPort, "incident.documents.render.lag"));
    }

    /**
     * What each processor did between two snapshots: batches, events per batch, the mean wait of an event before its
     * batch started, each batch's mean handling and commit, in milliseconds. NaN where the service has no such meter
     * or nothing was counted.
     */
    static Map<String, Object> between(Snapshot before, Snapshot after) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (String processor : PROCESSORS) {
            double batches = delta(before, after, processor, "batch.size", "COUNT");
            Map<String, Object> phases = new LinkedHashMap<>();
            phases.put("batches", batches);
            phases.put("eventsPerBatch", ratio(delta(before, after, processor, "batch.size", "TOTAL"), batches));
            phases.put("waitedMillis", meanMillis(before, after, processor, "waited"));
            phases.put("handleMillis", meanMillis(before, after, processor, "handle"));
            phases.put("commitMillis", meanMillis(before, after, processor, "commit"));
            all.put(processor, phases);
        }
        Map<String, Object> collections = new LinkedHashMap<>();
        double pauses = after.collections().getOrDefault("COUNT", Double.NaN)
                - before.collections().getOrDefault("COUNT", Double.NaN);
        collections.put("pauses", pauses);
        collections.put("pausedMillis", (after.collections().getOrDefault("TOTAL_TIME", Double.NaN)
                - before.collections().getOrDefault("TOTAL_TIME", Double.NaN)) * 1000);
        collections.put("longestRecentMillis", after.collections().getOrDefault("MAX", Double.NaN) * 1000);
        all.put(COLLECTIONS, collections);
        Map<String, Object> details = new LinkedHashMap<>();
        double rendered = after.renderLag().getOrDefault("COUNT", Double.NaN)
                - before.renderLag().getOrDefault("COUNT", Double.NaN);
        details.put("rendered", rendered);
        details.put("meanLagMillis", ratio((after.renderLag().getOrDefault("TOTAL_TIME", Double.NaN)
                - before.renderLag().getOrDefault("TOTAL_TIME", Double.NaN)) * 1000, rendered));
        details.put("longestRecentLagMillis", after.renderLag().getOrDefault("MAX", Double.NaN) * 1000);
        all.put(DETAILS, details);
        return all;
    }

    /** One line per processor, one for the collections and one for the details, for the console. */
    static List<String> summary(Map<String, Object> processors) {
        return processors.entrySet().stream().map(entry -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> phases = (Map<String, Object>) entry.getValue();
            if (entry.getKey().equals(COLLECTIONS)) {
                return String.format(Locale.ROOT, "query service: %.0f collection pauses, %.0f ms in all (the longest "
                        + "recent %.0f ms)", phases.get("pauses"), phases.get("pausedMillis"),
                        phases.get("longestRecentMillis"));
            }
            if (entry.getKey().equals(DETAILS)) {
                return String.format(Locale.ROOT, "details rendered after their batch: %.0f, %.2f ms after its commit "
                        + "on average (the longest recent %.0f ms)", phases.get("rendered"),
                        phases.get("meanLagMillis"), phases.get("longestRecentLagMillis"));
            }
            return String.format(Locale.ROOT, "%s: %.0f batches of %.1f events; an event waited %.2f ms for its "
                            + "batch; per batch: handle %.2f, commit %.2f ms", entry.getKey(),
                    phases.get("batches"), phases.get("eventsPerBatch"), phases.get("waitedMillis"),
                    phases.get("handleMillis"), phases.get("commitMillis"));
        }).toList();
    }

    private static double delta(Snapshot before, Snapshot after, String processor, String meter, String statistic) {
        return after.get(processor, meter, statistic) - before.get(processor, meter, statistic);
    }

    private static double meanMillis(Snapshot before, Snapshot after, String processor, String meter) {
        return ratio(delta(before, after, processor, meter, "TOTAL_TIME") * 1000,
                     delta(before, after, processor, meter, "COUNT"));
    }

    private static double ratio(double amount, double count) {
        return count > 0 ? amount / count : Double.NaN;
    }
}
