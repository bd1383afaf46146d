package io.incidenttracker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A crowd of HTTP clients outside the harness's JVM: {@code wrk} (Debian package {@code wrk}), one event-loop thread
 * holding every connection. The harness's own client (the JDK's HttpClient) spends more CPU per request than the
 * service answering it, on the same two cores; wrk shows what the service does when its clients sit elsewhere, which
 * is where a crowd's clients are. Absent wrk, the measures that use it say so and report the harness's client only.
 */
final class Wrk {

    /** One run: answers per second, latency percentiles in milliseconds, answers outside 2xx/3xx and socket errors. */
    record Result(double perSecond, double p50Millis, double p90Millis, double p99Millis, long requests,
                  long badAnswers, long socketErrors) {

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("perSecond", perSecond);
            m.put("p50Millis", p50Millis);
            m.put("p90Millis", p90Millis);
            m.put("p99Millis", p99Millis);
            m.put("requests", requests);
            m.put("badAnswers", badAnswers);
            m.put("socketErrors", socketErrors);
            return m;
        }
    }

    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|90|99)%\\s+([0-9.]+)(us|ms|s)\\s*$");
    private static final Pattern RATE = Pattern.compile("^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern REQUESTS = Pattern.compile("^\\s*(\\d+) requests in");
    private static final Pattern BAD = Pattern.compile("^\\s*Non-2xx or 3xx responses:\\s+(\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    /**
     * A wrk script whose requests are GETs drawn at random: one in {@code firstOneIn} the first of the paths, the
     * others one of the rest. The headers given with {@code -H} go with every request.
     */
    static Path randomGets(Path dir, String name, List<String> paths, int firstOneIn) throws IOException {
        StringBuilder lua = new StringBuilder("local first = \"").append(paths.get(0)).append("\"\nlocal paths = {\n");
        for (String path : paths.subList(1, paths.size())) {
            lua.append("  \"").append(path).append("\",\n");
        }
        lua.append("}\nlocal n = #paths\nmath.randomseed(os.time())\n")
                .append("request = function()\n")
                .append("  if math.random(").append(firstOneIn).append(") == 1 then\n")
                .append("    return wrk.format(\"GET\", first)\n")
                .append("  end\n")
                .append("  return wrk.format(\"GET\", paths[math.random(n)])\n")
                .append("end\n");
        Path script = dir.resolve(name + ".lua");
        Files.writeString(script, lua.toString(), StandardCharsets.UTF_8);
        return script;
    }

    /** The wrk on the PATH, if any. */
    static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code connections} keep-alive connections on one wrk thread for {@code seconds}, with extra headers. */
    static Result run(Path wrk, String url, int connections, int seconds, List<String> headers)
            throws IOException, InterruptedException {
        return run(wrk, url, connections, seconds, headers, null);
    }

    /** As {@link #run(Path, String, int, int, List)}, each request made by the Lua {@code script} if one is given. */
    static Result run(Path wrk, String url, int connections, int seconds, List<String> headers, Path script)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t1", "-c" + connections, "-d" + seconds + "s",
                "--latency", "--timeout", "5s"));
        if (script != null) {
            command.add("-s");
            command.add(script.toString());
        }
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + 30L, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("wrk failed: " + output);
        }
        return parse(output);
    }

    static Result parse(String output) throws IOException {
        double rate = Double.NaN;
        Map<String, Double> percentiles = new LinkedHashMap<>();
        long requests = 0;
        long bad = 0;
        long socketErrors = 0;
        for (String line : output.split("\n")) {
            Matcher m;
            if ((m = PERCENTILE.matcher(line)).matches()) {
                double value = Double.parseDouble(m.group(2));
                percentiles.put(m.group(1), switch (m.group(3)) {
                    case "us" -> value / 1000;
                    case "s" -> value * 1000;
                    default -> value;
                });
            } else if ((m = RATE.matcher(line)).find()) {
                rate = Double.parseDouble(m.group(1));
            } else if ((m = REQUESTS.matcher(line)).find()) {
                requests = Long.parseLong(m.group(1));
            } else if ((m = BAD.matcher(line)).find()) {
                bad = Long.parseLong(m.group(1));
            } else if ((m = SOCKET.matcher(line)).find()) {
                for (int g = 1; g <= 4; g++) {
                    socketErrors += Long.parseLong(m.group(g));
                }
            }
        }
        if (Double.isNaN(rate) || percentiles.size() < 3) {
            throw new IOException("cannot read wrk's output: " + output);
        }
        return new Result(rate, percentiles.get("50"), percentiles.get("90"), percentiles.get("99"), requests, bad,
                          socketErrors);
    }
}
