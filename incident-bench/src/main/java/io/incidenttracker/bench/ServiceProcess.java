package io.incidenttracker.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One service started as a JVM of its own, from the harness's class path, so that its resident memory is its own.
 * Output goes to a log file; {@link #close()} stops it (SIGTERM, then SIGKILL after 30 s).
 */
final class ServiceProcess implements AutoCloseable {

    /** The JVM flags every service gets; the performance documentation states them. */
    static final List<String> JVM_FLAGS = List.of(
            "-Xms128m", "-Xmx256m", "-XX:MaxMetaspaceSize=192m", "-XX:ReservedCodeCacheSize=64m",
            "-XX:MaxDirectMemorySize=64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "-Ddisable-axoniq-console-message=true",
            // the code cache is small (64m) and mostly used once warm (about 40 MiB); the default threshold (a share
            // of it, scaled by what is free) made the JVM collect the whole heap again and again to unload code:
            // stop-the-world pauses of 150 to 550 ms in the query service's tail
            "-XX:SweeperThreshold=100",
            // gives freed native memory back to the system every 5 s (about 20 MiB less resident in the query service)
            "-XX:TrimNativeHeapInterval=5000");

    /** Every service still running; a shutdown hook stops them when the harness is interrupted. */
    private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    final String name;
    final int port;
    private final Process process;
    final Path log;

    private ServiceProcess(String name, int port, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(String name, String mainClass, int port, List<String> args, Path workDir)
            throws IOException {
        Files.createDirectories(workDir);
        Path log = workDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        // more flags for a diagnosis, e.g. BENCH_JVM_OPTIONS=-XX:NativeMemoryTracking=summary for jcmd's
        // VM.native_memory; never set for figures that are reported
        String extra = System.getenv("BENCH_JVM_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        if (Boolean.parseBoolean(System.getenv("BENCH_PROFILE"))) {
            // a flight recording of the whole service run, written when the service stops: jfr print --events
            // jdk.ExecutionSample <name>.jfr shows where its CPU went
            // deep stacks: a request's frames run from Tomcat's socket processor down to the JDBC driver
            command.add("-XX:FlightRecorderOptions=stackdepth=512");
            command.add("-XX:StartFlightRecording=filename=" + workDir.resolve(name + ".jfr").toAbsolutePath()
                    + ",settings=profile,dumponexit=true");
        }
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.add("--server.port=" + port);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // glibc gives each thread that allocates its own malloc arena of up to 64 MiB; two bound the native memory
        // that the JVM's own flags do not (the deployment's Dockerfile sets the same)
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        RUNNING.add(process);
        return new ServiceProcess(name, port, process, log);
    }

    /** Starts a JVM running {@code mainClass} with {@code args} and waits for it; its output is returned. */
    static String runTool(String mainClass, List<String> args, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        File out = File.createTempFile("bench-tool", ".log");
        out.deleteOnExit();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(mainClass + " did not finish within " + timeout);
        }
        return Files.readString(out.toPath());
    }

    /** This JVM's class path with absolute entries, since the services run in directories of their own. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Waits until {@code /actuator/health/liveness} answers 200. */
    void awaitLive(Duration timeout) throws InterruptedException {
        // on a loaded machine a service may take longer to start than the harness allows by default
        String configured = System.getenv("BENCH_START_TIMEOUT");
        if (configured != null && !configured.isBlank()) {
            timeout = Duration.parse(configured);
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            failIfExited();
            try {
                HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " was not live within " + timeout + "; see " + log);
    }

    void failIfExited() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * With {@code BENCH_PROFILE=true}, starts a flight recording of this service for one measured run only (no
     * start-up, no warm-up in it); {@link #stopRecording} writes it to {@code <name>-<label>.jfr}. Does nothing
     * otherwise.
     */
    void startRecording(String label) throws IOException, InterruptedException {
        if (Boolean.parseBoolean(System.getenv("BENCH_PROFILE"))) {
            jcmd("JFR.start", "name=" + label, "settings=profile");
        }
    }

    void stopRecording(String label, Path workDir) throws IOException, InterruptedException {
        if (Boolean.parseBoolean(System.getenv("BENCH_PROFILE"))) {
            Path file = workDir.resolve(name + "-" + label + ".jfr").toAbsolutePath();
            jcmd("JFR.stop", "name=" + label, "filename=" + file);
            Console.step("flight recording of the measured run: " + file);
        }
    }

    private void jcmd(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        command.add(Long.toString(process.pid()));
        command.addAll(List.of(arguments));
        Process jcmd = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
    }

    /** VmRSS and VmHWM (peak) from /proc/&lt;pid&gt;/status, in MiB. */
    double[] residentMiB() throws IOException {
        double rss = Double.NaN;
        double hwm = Double.NaN;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line) / 1024.0;
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line) / 1024.0;
            }
        }
        return new double[] {rss, hwm};
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    @Override
    public void close() {
        RUNNING.remove(process);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
