package io.incidenttracker.testsupport;

import org.springframework.context.ApplicationContext;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The authorization matrix of one service in {@code docs/security.md}: the table after
 * {@code <!-- authorization-matrix: NAME -->}, one row per endpoint,
 * {@code | METHOD | `path` | anonymous | viewer | responder | auditor | admin |}, each cell {@code ok}, {@code 401}
 * or {@code 403}. Method {@code *} stands for an endpoint mapped for every method.
 */
public record AuthorizationMatrix(List<String> callers, Map<String, Map<String, String>> rows) {

    public static final List<String> CALLERS = List.of("anonymous", "viewer", "responder", "auditor", "admin");

    /** Where the matrix lives, relative to the project root. */
    public static final Path DOCUMENT = Path.of("docs", "security.md");

    /** Reads the service's table from {@code docs/security.md} at the project root. */
    public static AuthorizationMatrix read(String service) {
        Path document = document(Path.of("").toAbsolutePath());
        List<String> lines;
        try {
            lines = Files.readAllLines(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = lines.indexOf("<!-- authorization-matrix: " + service + " -->");
        if (start < 0) {
            throw new IllegalStateException(document + " has no authorization matrix for " + service
                    + " (no line <!-- authorization-matrix: " + service + " -->)");
        }
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (int i = start + 3; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = List.of(lines.get(i).substring(1).split("\\|")).stream().map(String::strip).toList();
            String key = endpoint(cells.get(0), cells.get(1).replace("`", ""));
            Map<String, String> answers = new LinkedHashMap<>();
            for (int c = 0; c < CALLERS.size(); c++) {
                String answer = cells.get(c + 2);
                if (!Set.of("ok", "401", "403").contains(answer)) {
                    throw new IllegalStateException(DOCUMENT + ", " + service + " matrix, row " + key + ": '" + answer
                            + "' for " + CALLERS.get(c) + " is none of ok, 401, 403");
                }
                answers.put(CALLERS.get(c), answer);
            }
            if (rows.put(key, answers) != null) {
                throw new IllegalStateException(DOCUMENT + ", " + service + " matrix: row " + key + " twice");
            }
        }
        return new AuthorizationMatrix(CALLERS, rows);
    }

    /**
     * {@code docs/security.md} of the project: found by walking up from the start (the working directory, a
     * module's directory when Maven runs the tests) to the first directory that has it.
     */
    static Path document(Path start) {
        for (Path directory = start; directory != null; directory = directory.getParent()) {
            Path candidate = directory.resolve(DOCUMENT);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No " + DOCUMENT + " in " + start + " or any directory above it: the "
                + "authorization matrix the tests check is read from docs/security.md at the project root");
    }

    public static String endpoint(String method, String path) {
        return method + " " + path;
    }

    /** Every endpoint the application maps, as {@code METHOD path}; {@code *} for one mapped for every method. */
    public static Set<String> mappedEndpoints(ApplicationContext context) {
        Set<String> endpoints = new TreeSet<>();
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values().forEach(mapping ->
                mapping.getHandlerMethods().keySet().forEach((RequestMappingInfo info) -> {
                    Set<String> methods = info.getMethodsCondition().getMethods().isEmpty() ? Set.of("*")
                            : new TreeSet<>(info.getMethodsCondition().getMethods().stream().map(Enum::name).toList());
                    for (String pattern : info.getPatternValues()) {
                        methods.forEach(method -> endpoints.add(endpoint(method, pattern)));
                    }
                }));
        return endpoints;
    }

    /** The rows the table lacks for the given mapped endpoints, each as a table line to fill in. */
    public List<String> missingRows(Set<String> mappedEndpoints) {
        return mappedEndpoints.stream().filter(endpoint -> !rows.containsKey(endpoint))
                .sorted()
                .map(endpoint -> "| " + endpoint.replaceFirst(" ", " | `") + "` | "
                        + CALLERS.stream().map(c -> "?").collect(Collectors.joining(" | ")) + " |")
                .toList();
    }

    /** Rows naming endpoints the service does not map. */
    public Set<String> staleRows(Set<String> mappedEndpoints) {
        Set<String> stale = new TreeSet<>(rows.keySet());
        stale.removeAll(mappedEndpoints);
        return stale;
    }

    /**
     * Calls every endpoint of the table as every caller (an {@code *} endpoint with GET); answers what differs from
     * the table, one line each. {@code ok} is any answer but 401, 403 and 5xx; 401 and 403 must be problems.
     */
    public List<String> wrongAnswers(Http http) {
        List<String> wrong = new ArrayList<>();
        rows.forEach((endpoint, answers) -> answers.forEach((caller, expected) -> {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = samplePath(endpoint.substring(endpoint.indexOf(' ') + 1), UUID.randomUUID().toString());
            HttpResponse<String> response = http.call("*".equals(method) ? "GET" : method, path, caller);
            int status = response.statusCode();
            boolean asExpected = "ok".equals(expected)
                    ? status != 401 && status != 403 && status < 500
                    : status == Integer.parseInt(expected) && Http.isProblem(response);
            if (!asExpected) {
                wrong.add(endpoint + " as " + caller + ": expected " + expected + ", got " + status);
            }
        }));
        return wrong;
    }

    /** A concrete path for a pattern: UUIDs for incident ids, 0 for numbers, a slug for the rest. */
    public static String samplePath(String pattern, String uuid) {
        List<String> parts = new ArrayList<>();
        for (String part : pattern.split("/", -1)) {
            if (part.startsWith("{*") || part.equals("**")) {
                parts.add("liveness");
            } else if (part.startsWith("{")) {
                String name = part.substring(1, part.length() - 1).replaceAll(":.*", "");
                parts.add(name.equals("id") || name.toLowerCase().contains("incident") ? uuid
                        : name.matches("wave|sequence|index|from|to") ? "0" : "sample-1");
            } else {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }
}
