package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;
import static io.incidenttracker.bench.Figures.fmt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fan-out of {@code GET /api/stream}: 1,000 streams open at once (the per-user bound raised for it), then service
 * changes committed one at a time through the command service; each change's latency to each stream is measured from
 * the moment the projection's transaction that logged it started ({@code view_change.logged_at}, so the figure also
 * holds the projection's own time) to the moment the stream's line arrived here. The first changes after the streams
 * opened warm the path up and are reported apart (the very first one runs code not compiled yet, in both services and
 * here); the query service's collection pauses during the measured changes are read from its meters, as a full
 * collection that lands on a change delays that change for every stream. The query service's resident memory is read
 * with all streams open.
 */
final class StreamFanOut implements Measure {

    static final int STREAMS = 1000;
    static final int CHANGES = 20;
    /** Changes sent before the measured ones: a disruption and its restoration. */
    static final int WARM_UP = 2;
    /** HTTP clients the streams are spread over, each with its own connections and selector thread. */
    static final int CLIENTS = 8;

    /** The query service's collection pauses, all of them and the full collections (the serial collector's). */
    private static final String PAUSES = "jvm.gc.pause";
    private static final String MAJOR_PAUSES = "jvm.gc.pause?tag=action:end%20of%20major%20GC";

    /** The query service's settings this measure needs: one user may hold every stream. */
    static final List<String> QUERY_ARGUMENTS = List.of(
            "--incident-query.stream.max-streams-per-user=" + (STREAMS + 100),
            // the instance's default bound is STREAMS: a stream of an earlier moment, closed but not yet noticed
            // (until its next heartbeat), would take a place
            "--incident-query.stream.max-streams=" + (STREAMS + 100));

    private record Receipt(long eventId, long receivedAtMicros) {
    }

    @Override
    public void run(BenchContext context) throws Exception {
        int queryPort = context.queryService().port;
        step("stream fan-out: opening " + STREAMS + " streams");
        double load = Console.loadAverage();
        // a thousand browsers are a thousand clients: one JDK HttpClient (one selector thread) for all the streams
        // would queue every delivery behind the others' in the harness itself
        List<HttpClient> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(30)).build());
        }
        String viewer = "Basic " + Base64.getEncoder().encodeToString("viewer:viewer".getBytes(StandardCharsets.UTF_8));
        CountDownLatch open = new CountDownLatch(STREAMS);
        AtomicInteger failed = new AtomicInteger();
        List<List<Receipt>> receipts = new ArrayList<>();
        List<InputStream> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            List<Receipt> mine = java.util.Collections.synchronizedList(new ArrayList<>());
            receipts.add(mine);
            HttpClient client = clients.get(s % CLIENTS);
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + queryPort + "/api/stream"))
                            .header("Authorization", viewer).header("Accept", "text/event-stream").GET().build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    if (response.statusCode() != 200) {
                        failed.incrementAndGet();
                        open.countDown();
                        response.body().close();
                        return;
                    }
                    bodies.add(response.body());
                    open.countDown();
                    BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                            StandardCharsets.UTF_8));
                    String line;
                    while ((line = lines.readLine()) != null) {
                        if (line.startsWith("id:")) {
                            Instant now = Instant.now();
                            mine.add(new Receipt(Long.parseLong(line.substring(3).strip()),
                                    now.getEpochSecond() * 1_000_000L + now.getNano() / 1000));
                        }
                    }
                } catch (IOException e) {
                    // closed at the end
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        if (!open.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Only " + (STREAMS - open.getCount()) + " streams opened");
        }
        step("  " + (STREAMS - failed.get()) + " streams open (" + failed.get() + " refused)");
        double[] rssOpen = context.queryService().residentMiB();

        int commandPort = context.commandService().port;
        UUID incident = context.incidents().get(context.incidents().size() - 1);
        Instant at = Instant.parse("2026-06-01T00:00:00Z");
        // the highest id received once each change had reached every stream: a change's events are the ids above the
        // previous change's
        List<Long> upTo = new ArrayList<>();
        Map<String, Double> pausesBefore = Map.of();
        Map<String, Double> majorBefore = Map.of();
        for (int c = 0; c < WARM_UP + CHANGES; c++) {
            if (c == WARM_UP) {
                pausesBefore = context.http().meterStatistics(queryPort, PAUSES);
                majorBefore = context.http().meterStatistics(queryPort, MAJOR_PAUSES);
            }
            boolean disrupt = c % 2 == 0;
            String path = "/api/incidents/" + incident + "/services/fan-out-" + (c / 2)
                    + (disrupt ? "/disruption" : "/restoration");
            String body = disrupt
                    ? "{\"impact\":\"DEGRADED\",\"since\":\"" + at.plusSeconds(c) + "\"}"
                    : "{\"restoredAt\":\"" + at.plusSeconds(c) + "\"}";
            int expected = receiptsOf(receipts);
            postAsResponder(commandPort, path, body);
            // each change is an incident and a service event; wait until every open stream has both
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (receiptsOf(receipts) < expected + 2 * (STREAMS - failed.get()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            upTo.add(lastReceived(receipts));
        }
        Map<String, Double> pausesAfter = context.http().meterStatistics(queryPort, PAUSES);
        Map<String, Double> majorAfter = context.http().meterStatistics(queryPort, MAJOR_PAUSES);
        double[] rssAfter = context.queryService().residentMiB();
        bodies.forEach(in -> {
            try {
                in.close();
            } catch (IOException e) {
                // going anyway
            }
        });
        readers.forEach(Thread::interrupt);

        Map<Long, Long> loggedAt = loggedAtMicros(context, receipts);
        Latencies latencies = new Latencies();
        // every change's deliveries, the warm-up's too, by the change's index among those sent
        java.util.TreeMap<Integer, Latencies> byChange = new java.util.TreeMap<>();
        int deliveries = 0;
        for (List<Receipt> stream : receipts) {
            synchronized (stream) {
                for (Receipt receipt : stream) {
                    Long logged = loggedAt.get(receipt.eventId());
                    if (logged == null) {
                        continue;
                    }
                    long nanos = (receipt.receivedAtMicros() - logged) * 1000;
                    int change = changeOf(upTo, receipt.eventId());
                    byChange.computeIfAbsent(change, c -> new Latencies()).record(nanos);
                    if (change >= WARM_UP) {
                        latencies.record(nanos);
                        deliveries++;
                    }
                }
            }
        }
        Latencies first = byChange.getOrDefault(0, new Latencies());
        Map<Integer, Latencies> measured = byChange.tailMap(WARM_UP);
        long measuredEvents = loggedAt.keySet().stream().filter(id -> changeOf(upTo, id) >= WARM_UP).count();
        int expectedDeliveries = (int) measuredEvents * (STREAMS - failed.get());
        double slowestChangeP50 = measured.values().stream().mapToDouble(of -> of.percentileMillis(50)).max()
                .orElse(Double.NaN);
        double pauses = pausesAfter.getOrDefault("COUNT", Double.NaN) - pausesBefore.getOrDefault("COUNT", Double.NaN);
        double pausedMillis = (pausesAfter.getOrDefault("TOTAL_TIME", Double.NaN)
                - pausesBefore.getOrDefault("TOTAL_TIME", Double.NaN)) * 1000;
        // a meter with no full collection yet is absent: none before is zero
        double majors = majorAfter.getOrDefault("COUNT", 0.0) - majorBefore.getOrDefault("COUNT", 0.0);
        double majorMillis = (majorAfter.getOrDefault("TOTAL_TIME", 0.0) - majorBefore.getOrDefault("TOTAL_TIME", 0.0))
                * 1000;
        step("  " + deliveries + " of " + expectedDeliveries + " deliveries, p50 "
                + fmt(latencies.percentileMillis(50)) + " ms, p99 " + fmt(latencies.percentileMillis(99))
                + " ms; query service resident " + fmt(rssAfter[0]) + " MiB (peak " + fmt(rssAfter[1]) + ")");
        step("    the slowest change's p50 " + fmt(slowestChangeP50) + " ms; the query service's collection pauses "
                + "meanwhile " + fmt(pauses) + ", " + fmt(pausedMillis) + " ms in all, of which full collections "
                + fmt(majors) + ", " + fmt(majorMillis) + " ms; the first change after the streams opened (not "
                + "measured) p50 " + fmt(first.percentileMillis(50)) + " / max " + fmt(first.percentileMillis(100))
                + " ms");

        Map<String, Object> d = new LinkedHashMap<>();
        d.put("streams", STREAMS - failed.get());
        d.put("refused", failed.get());
        d.put("changes", CHANGES);
        d.put("warmUpChanges", WARM_UP);
        d.put("events", measuredEvents);
        d.put("deliveries", deliveries);
        d.put("expectedDeliveries", expectedDeliveries);
        d.put("p50Millis", latencies.percentileMillis(50));
        d.put("p99Millis", latencies.percentileMillis(99));
        d.put("maxMillis", latencies.percentileMillis(100));
        d.put("slowestChangeP50Millis", slowestChangeP50);
        Map<String, Object> perChange = new LinkedHashMap<>();
        measured.forEach((change, of) -> perChange.put(Integer.toString(change),
                List.of(of.percentileMillis(50), of.percentileMillis(100))));
        d.put("perChangeP50AndMaxMillis", perChange);
        d.put("collectionPauses", pauses);
        d.put("collectionPausedMillis", pausedMillis);
        d.put("fullCollections", majors);
        d.put("fullCollectionPausedMillis", majorMillis);
        d.put("firstChangeP50Millis", first.percentileMillis(50));
        d.put("firstChangeMaxMillis", first.percentileMillis(100));
        d.put("queryRssMiBWithStreamsOpen", rssOpen[0]);
        d.put("queryRssMiBAfterChanges", rssAfter[0]);
        d.put("queryPeakMiB", rssAfter[1]);
        d.put("loadAverage", load);
        Results results = context.results();
        results.detail("streamFanOut", d);
        results.add(new Row("streams open at once", STREAMS - failed.get(), "streams", null, null,
                ">= " + STREAMS, failed.get() == 0));
        results.add(new Row("stream fan-out deliveries", deliveries, "events", null, null,
                "= " + expectedDeliveries, deliveries == expectedDeliveries && expectedDeliveries > 0));
        results.add(new Row("stream fan-out p99 (" + STREAMS + " streams)", latencies.percentileMillis(99), "ms",
                null, null, "< 250 ms", latencies.percentileMillis(99) < 250));
        results.add(new Row("query service resident with " + STREAMS + " streams (peak " + Math.round(rssAfter[1])
                + ")", rssAfter[0], "MiB", null, null, "<= 512 MiB", rssAfter[1] <= 512));
    }

    /** The change (its index among those sent) that logged the given id, by the ids received after each change. */
    private static int changeOf(List<Long> upTo, long eventId) {
        for (int c = 0; c < upTo.size(); c++) {
            if (eventId <= upTo.get(c)) {
                return c;
            }
        }
        return upTo.size();
    }

    /** The highest event id any stream has received so far. */
    private static long lastReceived(List<List<Receipt>> receipts) {
        long last = 0;
        for (List<Receipt> stream : receipts) {
            synchronized (stream) {
                for (Receipt receipt : stream) {
                    last = Math.max(last, receipt.eventId());
                }
            }
        }
        return last;
    }

    private static int receiptsOf(List<List<Receipt>> receipts) {
        int total = 0;
        for (List<Receipt> stream : receipts) {
            total += stream.size();
        }
        return total;
    }

    private static void postAsResponder(int port, String path, String body) throws IOException, InterruptedException {
        String responder = "Basic " + Base64.getEncoder().encodeToString("responder:responder"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", responder).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() / 100 != 2) {
            throw new IOException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
    }

    /** When the projection's transaction that logged each received change started, in epoch microseconds. */
    private static Map<Long, Long> loggedAtMicros(BenchContext context, List<List<Receipt>> receipts)
            throws Exception {
        ConcurrentMap<Long, Boolean> ids = new ConcurrentHashMap<>();
        for (List<Receipt> stream : receipts) {
            synchronized (stream) {
                stream.forEach(receipt -> ids.put(receipt.eventId(), true));
            }
        }
        Map<Long, Long> loggedAt = new HashMap<>();
        try (Connection connection = BenchContext.connect(context.queryDb());
             PreparedStatement select = connection.prepareStatement("""
                     SELECT id, (extract(epoch FROM logged_at) * 1000000)::bigint FROM view_change
                     WHERE id = ANY (?)""")) {
            Array array = connection.createArrayOf("bigint", ids.keySet().toArray());
            select.setArray(1, array);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    loggedAt.put(rows.getLong(1), rows.getLong(2));
                }
            }
        }
        return loggedAt;
    }
}
