package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A report to an authority, which fulfils a reporting clock and cancels its deadlines, with few deadlines of other
 * incidents waiting and then with thousands: its cost must not grow with the other incidents' clocks. Each sample is
 * one client, one request at a time (service time, no queue): a new incident, its classification as affecting a
 * critical infrastructure (which starts the CH-ISG clocks of the default rules; timed, the anchor) and the report to
 * the NCSC under CH-ISG (timed). Between the two samples, 16 clients open and classify the incidents whose deadlines
 * then wait. Run last: those incidents stay in the databases.
 */
final class ReportsBesideWaitingClocks implements Measure {

    private static final Pattern INCIDENT_ID = Pattern.compile("\"incidentId\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    @Override
    public void run(BenchContext context) throws Exception {
        int port = context.commandService().port;
        Http http = context.http();
        boolean quick = context.options().quick();
        int samples = quick ? 30 : 60;
        int waitingIncidents = quick ? 1_000 : 3_000;

        sample(http, port, 10); // warm-up
        long fewWaiting = waitingDeadlines(context);
        Sample few = sample(http, port, samples);
        step(String.format(Locale.ROOT, "reports beside %d waiting deadlines: report p50 %.2f ms, classification p50 "
                + "%.2f ms", fewWaiting, few.reports().percentileMillis(50), few.classifications().percentileMillis(50)));

        step("reports: opening and classifying " + waitingIncidents + " incidents whose deadlines then wait");
        seed(http, port, waitingIncidents);
        long manyWaiting = waitingDeadlines(context);
        Sample many = sample(http, port, samples);
        step(String.format(Locale.ROOT, "reports beside %d waiting deadlines: report p50 %.2f ms, classification p50 "
                + "%.2f ms", manyWaiting, many.reports().percentileMillis(50),
                many.classifications().percentileMillis(50)));

        Map<String, Object> d = new LinkedHashMap<>();
        d.put("samples", samples);
        d.put("fewWaitingDeadlines", fewWaiting);
        d.put("manyWaitingDeadlines", manyWaiting);
        d.put("few", few.describe());
        d.put("many", many.describe());
        Results results = context.results();
        results.detail("reportsBesideWaitingClocks", d);
        double fewP50 = few.reports().percentileMillis(50);
        double manyP50 = many.reports().percentileMillis(50);
        results.add(Row.plain("report to an authority p50, " + fewWaiting + " deadlines waiting", fewP50, "ms"));
        results.add(new Row("report to an authority p50, " + manyWaiting + " deadlines waiting", manyP50, "ms",
                "the same with " + fewWaiting + " waiting", fewP50, "<= 2x with few waiting",
                manyP50 <= 2 * fewP50));
        results.add(Row.plain("report to an authority p99, " + manyWaiting + " deadlines waiting",
                many.reports().percentileMillis(99), "ms"));
        results.add(Row.plain("classification p50 (the anchor), " + fewWaiting + " deadlines waiting",
                few.classifications().percentileMillis(50), "ms"));
        results.add(Row.plain("classification p50 (the anchor), " + manyWaiting + " deadlines waiting",
                many.classifications().percentileMillis(50), "ms"));
    }

    /** Opens and classifies {@code incidents} incidents with 16 clients; fails if any request failed. */
    private static void seed(Http http, int port, int incidents) throws Exception {
        AtomicInteger left = new AtomicInteger(incidents);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < LoadLoop.CLIENTS; c++) {
            clients.add(LoadLoop.start(() -> {
                while (left.getAndDecrement() > 0 && failures.isEmpty()) {
                    try {
                        classified(http, port, null);
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("seeding the incidents with waiting clocks failed: " + failures.get(0));
        }
    }

    private record Sample(Latencies classifications, Latencies reports) {

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("classificationP50Millis", classifications.percentileMillis(50));
            m.put("classificationP99Millis", classifications.percentileMillis(99));
            m.put("reportP50Millis", reports.percentileMillis(50));
            m.put("reportP99Millis", reports.percentileMillis(99));
            return m;
        }
    }

    private static Sample sample(Http http, int port, int count) throws Exception {
        Latencies classifications = new Latencies();
        Latencies reports = new Latencies();
        for (int i = 0; i < count; i++) {
            String incident = classified(http, port, classifications);
            String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
            long started = System.nanoTime();
            http.post(port, "/api/incidents/" + incident + "/authority-notifications", "{\"authority\":\"NCSC\","
                    + "\"regime\":\"CH-ISG\",\"notifiedAt\":\"" + now + "\",\"summary\":\"benchmark\"}");
            reports.record(System.nanoTime() - started);
        }
        return new Sample(classifications, reports);
    }

    /** Opens an incident and classifies it (the classification timed into {@code timed} if given); its id. */
    private static String classified(Http http, int port, Latencies timed) throws Exception {
        String now = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        Matcher id = INCIDENT_ID.matcher(http.post(port, "/api/incidents", "{\"title\":\"Benchmark\","
                + "\"attackType\":\"RANSOMWARE\",\"severity\":\"HIGH\",\"detectedAt\":\"" + now + "\"}"));
        if (!id.find()) {
            throw new IllegalStateException("no incident id in the answer to opening an incident");
        }
        long started = System.nanoTime();
        http.post(port, "/api/incidents/" + id.group(1) + "/classification", "{\"classifications\":"
                + "[\"CRITICAL_INFRASTRUCTURE_AFFECTED\"],\"basis\":\"benchmark\",\"classifiedAt\":\"" + now + "\"}");
        if (timed != null) {
            timed.record(System.nanoTime() - started);
        }
        return id.group(1);
    }

    private static long waitingDeadlines(BenchContext context) throws Exception {
        return BenchContext.count(context.commandDb(), "SELECT count(*) FROM scheduled_tasks WHERE NOT picked");
    }
}
