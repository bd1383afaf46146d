package io.incidenttracker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The metrics that the operations dashboard ({@code deploy/grafana/*.json}) and the alerts
 * ({@code deploy/prometheus/alerts.yml}) select, per scrape job ({@code job="incident-command"} or
 * {@code job="incident-query"}), and the metric names a service's {@code /actuator/prometheus} answer exposes, so that
 * a test can hold the dashboard to what the service really publishes.
 */
public final class OperationsDashboard {

    /** A metric selector: name{labels}. */
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
    private static final Pattern JOB = Pattern.compile("job=\"([^\"]+)\"");
    private static final Pattern EXPRESSION = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private OperationsDashboard() {
    }

    /** The files that name metrics, relative to the project root. */
    public static List<Path> documents() {
        Path root = projectRoot();
        try (var dashboards = Files.list(root.resolve("deploy/grafana"))) {
            List<Path> files = new java.util.ArrayList<>(dashboards.filter(p -> p.toString().endsWith(".json"))
                    .sorted().toList());
            files.add(root.resolve("deploy/prometheus/alerts.yml"));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every metric the documents select for the job; fails on a selector that names no job. */
    public static Set<String> metricsOf(String job) {
        Set<String> names = new TreeSet<>();
        for (Path document : documents()) {
            for (String expression : expressions(document)) {
                Matcher selector = SELECTOR.matcher(expression);
                while (selector.find()) {
                    Matcher labelledJob = JOB.matcher(selector.group(2));
                    if (!labelledJob.find()) {
                        throw new IllegalStateException(document + ": " + selector.group(1) + " selects no job");
                    }
                    if (labelledJob.group(1).equals(job)) {
                        names.add(selector.group(1));
                    }
                }
            }
        }
        return names;
    }

    /** The metric names (without labels) of a Prometheus text exposition. */
    public static Set<String> exposed(String prometheusText) {
        return prometheusText.lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static List<String> expressions(Path document) {
        String text;
        try {
            text = Files.readString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (document.toString().endsWith(".json")) {
            return EXPRESSION.matcher(text).results().map(m -> m.group(1).replace("\\\"", "\"")).toList();
        }
        // alerts.yml: the expression follows "expr:", on its line or folded over the next ones
        List<String> expressions = new java.util.ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("expr:")) {
                StringBuilder expression = new StringBuilder(line.substring(5));
                int indent = lines.get(i).indexOf("expr:");
                while (i + 1 < lines.size() && lines.get(i + 1).indexOf(lines.get(i + 1).strip()) > indent
                        && !lines.get(i + 1).isBlank()) {
                    expression.append(' ').append(lines.get(++i).strip());
                }
                expressions.add(expression.toString());
            }
        }
        return expressions;
    }

    /** The project root: the nearest directory upwards that has deploy/grafana. */
    public static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/grafana"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/grafana above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
