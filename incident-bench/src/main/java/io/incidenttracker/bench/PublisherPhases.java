package io.incidenttracker.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command service's publication relay over a stretch of a measure, from its meters read before and after: how
 * many batches it published and how many events each carried, how often it read the event store (reads that found
 * events, and empty ones: idle polls) per command taken, and what each phase of a batch took on average (the read,
 * sending until every record was acknowledged, the Kafka transaction's commit, the position stored). It splits the
 * freshness stage "created to sent" (which ends at the send) and part of "sent to fetched" (the commit: consumers
 * reading committed records see a batch only after it).
 */
final class PublisherPhases {

    private static final String PUBLISHER = "?tag=publisher:kafka";
    private static final Map<String, String> METERS = meters();

    private static Map<String, String> meters() {
        Map<String, String> meters = new LinkedHashMap<>();
        meters.put("readFound", "incident.publication.read" + PUBLISHER + "&tag=outcome:found");
        meters.put("readEmpty", "incident.publication.read" + PUBLISHER + "&tag=outcome:empty");
        meters.put("send", "incident.publication.send" + PUBLISHER);
        meters.put("commit", "incident.publication.commit" + PUBLISHER);
        meters.put("position", "incident.publication.position" + PUBLISHER);
        meters.put("batchSize", "incident.publication.batch.size" + PUBLISHER);
        return meters;
    }

    /** The meters' statistics at one moment, by meter. */
    record Snapshot(Map<String, Map<String, Double>> meters) {

        double get(String meter, String statistic) {
            return meters.getOrDefault(meter, Map.of()).getOrDefault(statistic, Double.NaN);
        }
    }

    private PublisherPhases() {
    }

    static Snapshot snapshot(Http http, int commandPort) throws IOException, InterruptedException {
        Map<String, Map<String, Double>> read = new LinkedHashMap<>();
        for (Map.Entry<String, String> meter : METERS.entrySet()) {
            read.put(meter.getKey(), http.meterStatistics(commandPort, meter.getValue()));
        }
        return new Snapshot(read);
    }

    /**
     * What happened between two snapshots while {@code commands} commands were taken: batches, events per batch, reads
     * (found, empty, per command) and each phase's mean per batch in milliseconds (the reads' per read). NaN where
     * the service has no such meter or nothing was counted.
     */
    static Map<String, Object> between(Snapshot before, Snapshot after, long commands) {
        double batches = delta(before, after, "position", "COUNT");
        double found = delta(before, after, "readFound", "COUNT");
        double empty = delta(before, after, "readEmpty", "COUNT");
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("batches", batches);
        phases.put("eventsPerBatch", ratio(delta(before, after, "batchSize", "TOTAL"), batches));
        phases.put("readsFound", found);
        phases.put("readsEmpty", empty);
        phases.put("readsPerCommand", ratio(found + empty, commands));
        phases.put("readFoundMillis", meanMillis(before, after, "readFound"));
        phases.put("readEmptyMillis", meanMillis(before, after, "readEmpty"));
        phases.put("sendMillis", meanMillis(before, after, "send"));
        phases.put("commitMillis", meanMillis(before, after, "commit"));
        phases.put("positionMillis", meanMillis(before, after, "position"));
        return phases;
    }

    /** One line for the console. */
    static String summary(Map<String, Object> phases) {
        return String.format(java.util.Locale.ROOT, "%.0f batches of %.1f events; %.2f reads of the store per command "
                        + "(%.0f empty); per batch: read %.2f, send %.2f, commit %.2f, position %.2f ms "
                        + "(an empty read %.2f ms)",
                phases.get("batches"), phases.get("eventsPerBatch"), phases.get("readsPerCommand"),
                phases.get("readsEmpty"), phases.get("readFoundMillis"), phases.get("sendMillis"),
                phases.get("commitMillis"), phases.get("positionMillis"), phases.get("readEmptyMillis"));
    }

    private static double delta(Snapshot before, Snapshot after, String meter, String statistic) {
        return after.get(meter, statistic) - before.get(meter, statistic);
    }

    private static double meanMillis(Snapshot before, Snapshot after, String meter) {
        return ratio(delta(before, after, meter, "TOTAL_TIME") * 1000, delta(before, after, meter, "COUNT"));
    }

    private static double ratio(double amount, double count) {
        return count > 0 ? amount / count : Double.NaN;
    }
}
