package io.incidenttracker.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness's command line: which measures to run ({@code --only}), the sizes and times, and the label the result
 * files carry. {@code --quick} gives smaller defaults; any size given explicitly wins. {@code --seed-order interleaved}
 * appends the seeded histories event by event across all incidents (as live traffic arrives) instead of one whole
 * incident after another ({@code contiguous}, the default).
 */
record Options(boolean quick, Set<String> only, int incidents, int eventsPerIncident, int seconds, int repeats,
               int rebuildAnchorSeconds, List<Integer> freshnessRates, int freshnessSeconds, int querySeconds,
               int e2eMessages, String label, boolean interleaved) {

    /** The names {@code --only} accepts, in the order the harness runs them. */
    static final List<String> MEASURES = List.of("inprocess", "http", "freshness", "rebuild", "query", "crowd", "fanout",
            "memory", "reports");

    /**
     * Commands/s of the freshness ladder: up to beyond what two cores take over HTTP, with rungs close enough above
     * 300/s that the highest one sustained is near the rate the service keeps up with.
     */
    static final String DEFAULT_FRESHNESS_RATES = "25,50,100,150,200,300,500,700,1000";

    static Options parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--quick")) {
                quick = true;
            } else if (arg.startsWith("--") && i + 1 < args.length) {
                given.put(arg.substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        Set<String> only = given.containsKey("only")
                ? Set.copyOf(Arrays.asList(given.get("only").split(","))) : Set.copyOf(MEASURES);
        for (String measure : only) {
            if (!MEASURES.contains(measure)) {
                throw new IllegalArgumentException("unknown measure " + measure + "; one of " + MEASURES);
            }
        }
        return new Options(quick, only,
                intOf(given, "incidents", quick ? 500 : 10_000),
                intOf(given, "events-per-incident", 100),
                intOf(given, "seconds", quick ? 5 : 10),
                intOf(given, "repeats", quick ? 1 : 3),
                intOf(given, "rebuild-anchor-seconds", quick ? 15 : 45),
                freshnessRates(given),
                intOf(given, "freshness-seconds", quick ? 10 : 30),
                intOf(given, "query-seconds", quick ? 10 : 20),
                intOf(given, "e2e-messages", quick ? 2000 : 5000),
                given.getOrDefault("label", quick ? "quick" : "full"),
                seedOrder(given));
    }

    private static boolean seedOrder(Map<String, String> given) {
        String order = given.getOrDefault("seed-order", "contiguous");
        return switch (order) {
            case "contiguous" -> false;
            case "interleaved" -> true;
            default -> throw new IllegalArgumentException("--seed-order is contiguous or interleaved: " + order);
        };
    }

    /** Whether {@code measure} was chosen. */
    boolean runs(String measure) {
        return only.contains(measure);
    }

    /** Whether any measure other than {@code excluded} was chosen. */
    boolean runsAnyBut(String... excluded) {
        List<String> others = List.of(excluded);
        return only.stream().anyMatch(m -> !others.contains(m));
    }

    /** The freshness ladder: {@code --freshness-rates 50,100,...} or a single {@code --freshness-rate}. */
    private static List<Integer> freshnessRates(Map<String, String> given) {
        String rates = given.containsKey("freshness-rate") ? given.get("freshness-rate")
                : given.getOrDefault("freshness-rates", DEFAULT_FRESHNESS_RATES);
        List<Integer> ladder = Arrays.stream(rates.split(",")).map(String::trim).map(Integer::parseInt).toList();
        if (ladder.isEmpty() || ladder.stream().anyMatch(rate -> rate <= 0)) {
            throw new IllegalArgumentException("freshness rates are positive commands/s: " + rates);
        }
        return ladder;
    }

    private static int intOf(Map<String, String> given, String key, int fallback) {
        return given.containsKey(key) ? Integer.parseInt(given.get(key)) : fallback;
    }
}
