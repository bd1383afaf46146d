package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rebuild of all projections: the query service, just started on an empty database, reads the whole topic as it
 * stands then (the seeded events, and those of the commands measured before it: the in-process commands);
 * events/s from its first progress until every processor's token reaches the end of the topic and every incident's
 * detail is stored (a projection catching up renders the details once, after its last catch-up batch; the status
 * projection's part includes that time). The harness waits for
 * it whenever it needs the query service; the row, against {@link RebuildAnchor}'s figure, only when the rebuild
 * measure was chosen. Then also the CPU per event (the query service and its JIT compilers, PostgreSQL, the broker),
 * and PostgreSQL's beside its floor ({@link PostgresFloor}) measured right after.
 */
final class Rebuild implements Measure {

    /** The query service's counter of the records its consumers decoded ({@code way}: decoded, taken). */
    private static final String DECODINGS = "incident.consumer.records";
    /** Its time that consumers catching up waited for slower ones (to share their decodings), in seconds. */
    private static final String WAITED = "incident.consumer.catch-up.waited";
    /** The status projection's analyses and vacuums before the backfill, a timer. */
    private static final String VACUUM = "incident.projection.vacuum";

    /** The processor whose part includes rendering the stored details. */
    private static final String STATUS_PROJECTION = "incident-projection";

    @Override
    public void run(BenchContext context) throws Exception {
        ServiceProcess query = context.queryService();
        // every record on the topic is rebuilt and timed, so every one is counted: not only the seeded ones
        Seeding.TopicExtent topic = context.topicBeforeRebuild();
        long topicEnd = topic.end();
        double recordsPerPosition = topicEnd == 0 ? 1 : (double) topic.records() / topicEnd;
        step("rebuild of all projections from " + topic.records() + " events (" + context.totalEvents()
                + " seeded, " + (topic.records() - context.topicRecords()) + " from the commands measured before; a "
                + "fresh query database)");
        double load = Console.loadAverage();
        long[] first = ProcessorProgress.awaitFirstProgress(context.queryDb(), query);
        double cpuAtFirst = CpuTime.ofProcess(query.pid());
        // beside the service: PostgreSQL (writing every part's rows) and this JVM (the broker serving the fetches)
        Map<Long, Double> postgresAtFirst = CpuTime.ofPostgres();
        double harnessAtFirst = CpuTime.ofThisJvm();
        // the service's JIT compilers: a rebuild on a service just started pays for compiling its code too
        LoadLoop.Compilers compilers = new LoadLoop.Compilers(query.pid());
        // how often a record is decoded: once per processor's consumer, or once for all of them when they share it
        double decodedAtFirst = context.http().metric(query.port, DECODINGS, "way:decoded");
        double takenAtFirst = context.http().metric(query.port, DECODINGS, "way:taken");
        double waitedAtFirst = context.http().metric(query.port, WAITED, null);
        Map<String, Long> startedAt = ProcessorProgress.projectedEventsByProcessor(context.queryDb());
        // each part's own rate: from the first observation until its own token reaches the end of the topic
        Map<String, Double> partSeconds = new TreeMap<>();
        long done = ProcessorProgress.awaitPosition("rebuilt", () -> {
            Map<String, Long> now = ProcessorProgress.projectedEventsByProcessor(context.queryDb());
            now.forEach((part, events) -> {
                if (events >= topicEnd && !partSeconds.containsKey(part)) {
                    partSeconds.put(part, (System.nanoTime() - first[1]) / 1e9);
                }
            });
            return now.size() < 2 ? 0 : now.values().stream().mapToLong(Long::longValue).min().orElse(0);
        }, topicEnd, Duration.ofMinutes(30), query);
        // the status projection is done when every incident's detail is stored too (rendered after a catch-up)
        long tokensAtEnd = System.nanoTime();
        double vacuumAtTokens = context.http().metricStatistic(query.port, VACUUM, "TOTAL_TIME");
        ProcessorProgress.awaitStoredDetails(context, Duration.ofMinutes(10));
        double detailsSeconds = (System.nanoTime() - tokensAtEnd) / 1e9;
        double vacuumSeconds = context.http().metricStatistic(query.port, VACUUM, "TOTAL_TIME") - vacuumAtTokens;
        partSeconds.merge(STATUS_PROJECTION, (System.nanoTime() - first[1]) / 1e9, Math::max);
        double seconds = (System.nanoTime() - first[1]) / 1e9;
        // positions count the transactions' commit markers too; the rates are in records
        double rate = (done - first[0]) * recordsPerPosition / seconds;
        // the service's own CPU per event: far less sensitive to what else runs on the machine than the rate
        double events = (done - first[0]) * recordsPerPosition;
        double cpuPerEvent = (CpuTime.ofProcess(query.pid()) - cpuAtFirst) / events;
        double postgresPerEvent = CpuTime.postgresSince(postgresAtFirst) / events;
        double harnessPerEvent = (CpuTime.ofThisJvm() - harnessAtFirst) / events;
        // the harness's own compilers first, then the service's
        double compilersPerEvent = compilers.millisSinceStart()[1] / events;
        double decodedPerEvent = (context.http().metric(query.port, DECODINGS, "way:decoded") - decodedAtFirst)
                / events;
        double takenPerEvent = (context.http().metric(query.port, DECODINGS, "way:taken") - takenAtFirst) / events;
        double waited = context.http().metric(query.port, WAITED, null) - waitedAtFirst;
        Map<String, Double> partRates = new TreeMap<>();
        // a part that started at the end of the topic (the webhook outbox with no subscription) read nothing
        partSeconds.forEach((part, s) -> {
            long toRead = topicEnd - startedAt.getOrDefault(part, 0L);
            if (toRead > 0) {
                partRates.put(part, toRead * recordsPerPosition / Math.max(s, 0.001));
            }
        });
        Map<String, Object> detail = new LinkedHashMap<>(Map.of("events", Math.round(events), "seconds", seconds,
                "eventsPerSecond", rate, "loadAverage", load, "eventsPerSecondByPart", partRates,
                "queryServiceCpuMsPerEvent", cpuPerEvent, "postgresCpuMsPerEvent", postgresPerEvent,
                "harnessCpuMsPerEvent", harnessPerEvent, "loadAverageAtEnd", Console.loadAverage(),
                "storedDetailsSecondsAfterTokens", detailsSeconds));
        detail.put("seededEvents", context.totalEvents());
        detail.put("eventsOfTheCommandsBefore", topic.records() - context.topicRecords());
        boolean decodingsCounted = !Double.isNaN(decodedPerEvent) && !Double.isNaN(takenPerEvent);
        if (decodingsCounted) {
            detail.put("decodingsPerEvent", decodedPerEvent);
            detail.put("sharedDecodingsPerEvent", takenPerEvent);
        }
        if (!Double.isNaN(waited)) {
            detail.put("consumersWaitedSeconds", waited);
        }
        if (!Double.isNaN(vacuumSeconds)) {
            detail.put("storedDetailsVacuumSeconds", vacuumSeconds);
        }
        if (!Double.isNaN(compilersPerEvent)) {
            detail.put("queryServiceCompilersCpuMsPerEvent", compilersPerEvent);
        }
        context.results().detail("rebuild", detail);
        step("rebuilt " + Math.round(events) + " events at " + fmt(rate) + " events/s; by part " + partRates
                + "; CPU per event: query service " + fmt(cpuPerEvent) + " ms (its JIT compilers "
                + fmt(compilersPerEvent) + " ms), PostgreSQL " + fmt(postgresPerEvent)
                + " ms, harness (broker) " + fmt(harnessPerEvent) + " ms; decodings per event " + fmt(decodedPerEvent)
                + ", taken as decoded " + fmt(takenPerEvent) + " (consumers waited " + fmt(waited)
                + " s for slower ones); every detail stored "
                + fmt(detailsSeconds) + " s after the tokens reached the end (of which analysing and vacuuming "
                + "the tables " + fmt(vacuumSeconds) + " s)");
        if (context.options().runs("rebuild")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> defaults = (Map<String, Object>) context.results().detail(RebuildAnchor.DETAIL);
            double anchor = ((Number) defaults.get("eventsPerSecond")).doubleValue();
            context.results().add(new Row("rebuild of all projections", rate, "events/s",
                    "default processor settings", anchor, ">= 20000/s and >= 10x defaults",
                    rate >= 20_000 && rate >= 10 * anchor));
            context.results().add(Row.plain("rebuild: query service CPU per event", cpuPerEvent, "ms"));
            if (!Double.isNaN(compilersPerEvent)) {
                context.results().add(Row.plain("rebuild: of which its JIT compilers", compilersPerEvent, "ms"));
            }
            context.results().add(Row.plain("rebuild: PostgreSQL CPU per event", postgresPerEvent, "ms"));
            context.results().add(Row.plain("rebuild: harness JVM (broker) CPU per event", harnessPerEvent, "ms"));
            if (decodingsCounted) {
                context.results().add(Row.plain("rebuild: records decoded per event (one read per processor)",
                        decodedPerEvent, "decodings"));
                context.results().add(Row.plain("rebuild: records taken as another processor decoded them, "
                        + "per event", takenPerEvent, "records"));
            }
            partRates.forEach((part, partRate) -> context.results().add(
                    Row.plain("rebuild, " + part + " alone (beside the others)", partRate, "events/s")));
            // the rebuild's detail, recorded above, takes the floor's figures too
            floor(context, events, postgresPerEvent, detail);
        }
    }

    /**
     * PostgreSQL's floor beside its CPU per rebuilt event: the rebuilt rows written once more with one statement a
     * table ({@link PostgresFloor}), per event.
     */
    private static void floor(BenchContext context, double events, double postgresPerEvent,
                              Map<String, Object> detail) {
        step("PostgreSQL's floor: every rebuilt row written once more, one INSERT ... SELECT a table");
        Optional<PostgresFloor.Result> measured;
        try {
            measured = PostgresFloor.measure(context.queryDb());
        } catch (SQLException e) {
            // a figure beside the rebuild's, not one the run depends on: the measures after it still run
            step("PostgreSQL's floor not measured: " + e.getMessage());
            return;
        }
        if (measured.isEmpty()) {
            step("PostgreSQL's floor not measured: its session's CPU cannot be read from this machine");
            return;
        }
        PostgresFloor.Result floor = measured.get();
        double floorPerEvent = floor.cpuMillis() / events;
        Map<String, Object> byTable = new LinkedHashMap<>();
        floor.byTable().forEach((table, copied) -> byTable.put(table, Map.of("rows", copied.rows(),
                "cpuMs", copied.cpuMillis())));
        detail.put("postgresFloor", Map.of("rows", floor.rows(), "cpuMs", floor.cpuMillis(),
                "cpuMsPerEvent", floorPerEvent, "rowsPerEvent", floor.rows() / events, "byTable", byTable));
        step("PostgreSQL's floor: " + floor.rows() + " rows (" + fmt(floor.rows() / events) + " an event) in "
                + fmt(floor.cpuMillis()) + " ms of its CPU, " + fmt(floorPerEvent) + " ms an event, "
                + fmt(floor.cpuMillisPerRow() * 1000) + " microseconds a row; the rebuild spent "
                + fmt(postgresPerEvent / floorPerEvent) + " times that");
        context.results().add(new Row("rebuild: PostgreSQL CPU per event, beside its floor", postgresPerEvent, "ms",
                "the rebuilt rows written once, one INSERT ... SELECT a table", floorPerEvent, "", null));
    }
}
