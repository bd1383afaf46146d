package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The crowd at the public status page: 64 anonymous clients read {@code /status/summary.json} in a closed loop over
 * keep-alive HTTP/1.1, the way a crowd without a cache in front would (full answers, no If-None-Match); then the same
 * with If-None-Match (answers 304). The query service runs with the rate limit lifted to a million requests a second
 * per caller: all clients come from one address here, and `wrk` went past the local profile's own 20,000 a second on
 * a fast machine (its answers over the bucket were 429s, and the measure failed). A few public incidents are published
 * first, so that the answer has the size of a busy day's.
 */
final class PublicStatusCrowd implements Measure {

    static final int CLIENTS = 64;
    static final String PATH = "/status/summary.json";

    /** The query service's settings this measure needs: public services to show, and the rate limit lifted. */
    static final List<String> QUERY_ARGUMENTS = List.of(
            "--incidenttracker.http.rate-limit.requests-per-second=1000000",
            "--incidenttracker.http.rate-limit.burst=2000000",
            "--incident-query.public-status.services[telephony]=Telephone lines",
            "--incident-query.public-status.services[app-booking]=Appointment booking",
            "--incident-query.public-status.services[crm]=Patient portal");

    @Override
    public void run(BenchContext context) throws Exception {
        int seconds = context.options().querySeconds();
        int queryPort = context.queryService().port;
        publishPublicUpdates(context);
        URI uri = URI.create("http://127.0.0.1:" + queryPort + PATH);
        String etag;
        int size;
        LoadLoop.Run fullRun;
        LoadLoop.Run notModified;
        try (BlockingHttpClient client = new BlockingHttpClient(30_000)) {
            BlockingHttpClient.Answer first = settled(client, queryPort);
            etag = first.header("ETag") == null ? "\"none\"" : first.header("ETag");
            size = first.body().length;
            step("public status crowd: " + CLIENTS + " anonymous clients for " + seconds + " s on " + PATH + " ("
                    + size + " bytes)");
            LoadLoop.Worker full = w -> expect(client.get(queryPort, PATH), 200);
            String held = etag;
            LoadLoop.Worker conditional = w -> expect(client.get(queryPort, PATH, "If-None-Match: " + held), 304);
            LoadLoop.warmUp("public status", full, context.queryService().pid());
            fullRun = LoadLoop.closedLoop(CLIENTS, seconds, full);
            step("public status crowd with If-None-Match: " + CLIENTS + " clients for " + seconds + " s");
            notModified = LoadLoop.closedLoop(CLIENTS, seconds, conditional);
        }

        Map<String, Object> d = new LinkedHashMap<>();
        d.put("clients", CLIENTS);
        d.put("answerBytes", size);
        d.put("full", fullRun.describe());
        d.put("notModified", notModified.describe());
        Results results = context.results();
        Optional<Path> wrk = Wrk.find();
        boolean targetsOnHarnessClient = wrk.isEmpty();
        results.add(new Row("public status summary.json, " + CLIENTS + " clients (harness's client)",
                fullRun.perSecond(), "req/s", null, null, targetsOnHarnessClient ? ">= 2000 req/s" : "",
                targetsOnHarnessClient ? fullRun.perSecond() >= 2000 && fullRun.errors() == 0 : null));
        results.add(new Row("public status summary.json p99 (harness's client)",
                fullRun.latencies().percentileMillis(99), "ms", null, null, targetsOnHarnessClient ? "< 20 ms" : "",
                targetsOnHarnessClient ? fullRun.latencies().percentileMillis(99) < 20 : null));
        results.add(Row.plain("public status 304 (If-None-Match), " + CLIENTS + " clients (harness's client)",
                notModified.perSecond(), "req/s"));
        results.add(Row.plain("public status 304 p99 (harness's client)", notModified.latencies().percentileMillis(99),
                "ms"));
        if (wrk.isPresent()) {
            step("public status crowd from wrk (another process): " + CLIENTS + " connections for " + seconds + " s");
            Wrk.Result crowd = Wrk.run(wrk.get(), uri.toString(), CLIENTS, seconds, List.of());
            Wrk.Result crowd304 = Wrk.run(wrk.get(), uri.toString(), CLIENTS, seconds,
                                          List.of("If-None-Match: " + etag));
            d.put("wrkFull", crowd.describe());
            d.put("wrkNotModified", crowd304.describe());
            boolean clean = crowd.badAnswers() == 0 && crowd.socketErrors() == 0;
            results.add(new Row("public status summary.json, " + CLIENTS + " clients (wrk)", crowd.perSecond(),
                    "req/s", null, null, ">= 2000 req/s", crowd.perSecond() >= 2000 && clean));
            results.add(new Row("public status summary.json p99 (wrk)", crowd.p99Millis(), "ms", null, null,
                    "< 20 ms", crowd.p99Millis() < 20 && clean));
            results.add(Row.plain("public status summary.json p50 (wrk)", crowd.p50Millis(), "ms"));
            results.add(Row.plain("public status 304, " + CLIENTS + " clients (wrk)", crowd304.perSecond(), "req/s"));
            results.add(Row.plain("public status 304 p99 (wrk)", crowd304.p99Millis(), "ms"));
        } else {
            step("wrk is not installed (apt-get install wrk): the crowd is measured with the harness's client only");
            d.put("wrk", "not installed");
        }
        context.results().detail("publicStatusCrowd", d);
    }

    /**
     * The page once the published updates have all reached it: the same ETag twice, a second apart. Read earlier,
     * the ETag of the conditional runs would name a page that the projection is still changing.
     */
    private static BlockingHttpClient.Answer settled(BlockingHttpClient client, int port)
            throws IOException, InterruptedException {
        BlockingHttpClient.Answer last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            BlockingHttpClient.Answer now = client.get(port, PATH);
            if (last != null && now.status() == 200 && now.header("ETag") != null
                    && now.header("ETag").equals(last.header("ETag"))) {
                return now;
            }
            last = now;
            Thread.sleep(1000);
        }
        throw new IOException(PATH + " did not settle within 60 s");
    }

    private static void expect(BlockingHttpClient.Answer answer, int status) throws IOException {
        if (answer.status() != status) {
            throw new IOException(PATH + " answered " + answer.status());
        }
    }

    /** Ten public incidents, three updates each, published through the command service. */
    static void publishPublicUpdates(BenchContext context) throws IOException {
        int port = context.commandService().port;
        List<UUID> incidents = context.incidents();
        Instant at = Instant.parse("2026-06-01T00:00:00Z");
        String[] statuses = {"investigating", "identified", "monitoring"};
        for (int i = 0; i < Math.min(10, incidents.size()); i++) {
            for (int u = 0; u < statuses.length; u++) {
                String body = "{\"audience\":\"PUBLIC\",\"text\":\"Update " + u + ": we are restoring the service, "
                        + "thank you for your patience.\",\"headline\":\"Service disruption " + i + "\",\"status\":\""
                        + statuses[u] + "\",\"impact\":\"major\",\"publishedAt\":\"" + at.plusSeconds(60L * u) + "\"}";
                // fails unless 2xx
                context.http().post(port, "/api/incidents/" + incidents.get(i) + "/status-updates", body);
            }
        }
    }
}
