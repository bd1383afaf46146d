package io.incidenttracker.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.launcher.EmbeddedKafkaBroker;
import io.incidenttracker.launcher.LocalDatabases;
import io.incidenttracker.query.QueryServiceApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.events.incident.ServiceImpact;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark harness: starts a broker, the databases and the services it needs, measures, prints a table and
 * writes the results to {@code incident-bench/results/}. See the README's "Performance" section.
 *
 * <pre>java -jar incident-bench/target/incident-bench.jar [--quick] [--only m1,m2] [--incidents N]
 *     [--events-per-incident N] [--seconds N] [--repeats N] [--rebuild-anchor-seconds N] [--freshness-rate N]</pre>
 */
public final class Bench {

    static final String TOPIC = "incident-events";
    static final int CLIENTS = 16;
    static final List<String> MEASURES = List.of("inprocess", "http", "freshness", "rebuild", "query", "memory");

    /**
     * Axon's defaults for a tracking processor (batch size 1, one segment, one thread) and the extension's default
     * fetch buffer: the rebuild's anchor.
     */
    static final List<String> DEFAULT_PROCESSOR_SETTINGS = List.of(
            "--axon.eventhandling.processors.incident-projection.batch-size=1",
            "--axon.eventhandling.processors.incident-projection.initial-segment-count=1",
            "--axon.eventhandling.processors.incident-projection.thread-count=1",
            "--axon.eventhandling.processors.audit-ledger.batch-size=1",
            "--axon.eventhandling.processors.audit-ledger.initial-segment-count=1",
            "--axon.eventhandling.processors.audit-ledger.thread-count=1",
            "--axon.kafka.fetcher.buffer-size=10000",
            "--axon.kafka.fetcher.poll-timeout=5000",
            "--axon.kafka.consumer.properties.max.poll.records=500",
            "--axon.kafka.consumer.properties.fetch.min.bytes=1",
            "--axon.kafka.consumer.properties.fetch.max.wait.ms=500");

    private final Options options;
    private final Path workDir;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final Http http = new Http();
    private final String pgHost = env("BENCH_PG_HOST", "127.0.0.1");
    private final int pgPort = Integer.parseInt(env("BENCH_PG_PORT", "5432"));
    private final String pgUser = env("BENCH_PG_USER", "postgres");
    private final String pgPassword = env("BENCH_PG_PASSWORD", "");
    private final LocalDatabases.Database commandDb;
    private final LocalDatabases.Database queryDb;
    private final LocalDatabases.Database defaultsQueryDb;
    private String bootstrap;
    private Admin admin;
    private List<UUID> incidents;
    private long totalEvents;
    /** Records on the topic after seeding: the events, plus any the publisher sent twice (at least once). */
    private long topicRecords;
    private final List<Anchors.Result> pgbenchRuns = new ArrayList<>();

    /** One line of the table. */
    record Row(String measure, double value, String unit, String anchorName, Double anchor, String target,
               Boolean met) {

        Double ratio() {
            return anchor == null || anchor == 0 || Double.isNaN(anchor) ? null : value / anchor;
        }
    }

    record Options(boolean quick, Set<String> only, int incidents, int eventsPerIncident, int seconds, int repeats,
                   int rebuildAnchorSeconds, int freshnessRate, int freshnessSeconds, int querySeconds,
                   int e2eMessages, String label) {

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
                    intOf(given, "freshness-rate", 1000),
                    intOf(given, "freshness-seconds", quick ? 10 : 30),
                    intOf(given, "query-seconds", quick ? 10 : 20),
                    intOf(given, "e2e-messages", quick ? 2000 : 5000),
                    given.getOrDefault("label", quick ? "quick" : "full"));
        }

        private static int intOf(Map<String, String> given, String key, int fallback) {
            return given.containsKey(key) ? Integer.parseInt(given.get(key)) : fallback;
        }
    }

    private Bench(Options options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
        // BENCH_DB_PREFIX lets two harness runs share one PostgreSQL without emptying each other's databases
        String base = "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + env("BENCH_DB_PREFIX", "incident_bench");
        this.commandDb = new LocalDatabases.Database(base + "_command", pgUser, pgPassword);
        this.queryDb = new LocalDatabases.Database(base + "_query", pgUser, pgPassword);
        this.defaultsQueryDb = new LocalDatabases.Database(base + "_query_defaults", pgUser, pgPassword);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper")) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger))
                    .setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Path home = Path.of(System.getProperty("bench.home", "incident-bench")).toAbsolutePath();
        Path workDir = home.resolve("target").resolve("bench-work");
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        Bench bench = new Bench(options, workDir);
        long started = System.nanoTime();
        int exitCode = 0;
        try {
            bench.run();
        } catch (Exception | Error e) {
            // what was measured until then is still reported; the JVM must end even if a client thread hangs
            e.printStackTrace();
            bench.details.put("failure", e.toString());
            exitCode = 1;
        }
        bench.details.put("wallClockSeconds", (System.nanoTime() - started) / 1e9);
        bench.report(home.resolve("results"));
        System.exit(exitCode);
    }

    private void run() throws Exception {
        details.put("startedAt", Instant.now().toString());
        details.put("mode", options.label());
        details.put("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "loadAverageAtStart", loadAverage()));
        details.put("serviceJvmFlags", ServiceProcess.JVM_FLAGS);
        step("preparing databases " + commandDb.name() + ", " + queryDb.name() + ", " + defaultsQueryDb.name());
        for (LocalDatabases.Database database : List.of(commandDb, queryDb, defaultsQueryDb)) {
            LocalDatabases.recreate(database);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), 0, 0)) {
            bootstrap = broker.bootstrapServers();
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
            try {
                inProcessPhase();
                serviceProcessesPhase();
            } finally {
                admin.close();
            }
        }
        details.put("loadAverageAtEnd", loadAverage());
    }

    // ---- phase 1: the command service inside this JVM: seeding, in-process commands, pgbench ---------------------

    private void inProcessPhase() throws Exception {
        step("starting the command service in-process");
        ConfigurableApplicationContext command = new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties("spring.config.name=" + CommandServiceApplication.CONFIG_NAME)
                .main(CommandServiceApplication.class)
                .registerShutdownHook(false)
                .run(commandArguments(freePort()).toArray(String[]::new));
        try {
            seed(command.getBean(EventStore.class));
            takeSnapshots(command.getBean(Snapshotter.class),
                    command.getBean("snapshotExecutor", ThreadPoolExecutor.class));
            if (options.only().contains("inprocess") || options.only().contains("http")) {
                try (Connection connection = connect(commandDb); Statement statement = connection.createStatement()) {
                    statement.execute(Anchors.pgbenchTable());
                }
            }
            if (options.only().contains("inprocess")) {
                measureInProcess(command.getBean(CommandGateway.class));
            }
        } finally {
            step("stopping the in-process command service");
            command.close();
        }
    }

    private void seed(EventStore eventStore) throws Exception {
        int count = options.incidents();
        int perIncident = options.eventsPerIncident();
        step("seeding " + count + " incidents x " + perIncident + " events into the event store");
        double load = loadAverage();
        long started = System.nanoTime();
        incidents = new Seeder(eventStore).seed(count, perIncident, Math.max(1, 5000 / perIncident));
        double appendSeconds = (System.nanoTime() - started) / 1e9;
        totalEvents = (long) count * perIncident;
        step("appended " + totalEvents + " events in " + fmt(appendSeconds) + " s; waiting for the publisher");
        awaitPosition("published up to global index", this::publisherPosition, lastGlobalIndex(),
                Duration.ofMinutes(20), null);
        double totalSeconds = (System.nanoTime() - started) / 1e9;
        topicRecords = topicEnd();
        Map<String, Object> seeding = new LinkedHashMap<>();
        seeding.put("incidents", count);
        seeding.put("events", totalEvents);
        seeding.put("appendSeconds", appendSeconds);
        seeding.put("appendEventsPerSecond", totalEvents / appendSeconds);
        seeding.put("appendedAndPublishedSeconds", totalSeconds);
        seeding.put("publishedEventsPerSecond", totalEvents / totalSeconds);
        seeding.put("topicRecords", topicRecords);
        seeding.put("loadAverage", load);
        details.put("seeding", seeding);
        step("seeded and published " + totalEvents + " events in " + fmt(totalSeconds) + " s (append "
                + fmt(appendSeconds) + " s)");
        rows.add(new Row("seeding: append to the event store", totalEvents / appendSeconds, "events/s", null, null,
                "", null));
        rows.add(new Row("seeding: appended and published to Kafka", totalEvents / totalSeconds, "events/s", null,
                null, "", null));
    }

    /**
     * The snapshots the command service would have taken while the seeded histories grew command by command (one
     * every {@code incidenttracker.snapshots.threshold} events): the seeder appends straight to the event store, so
     * they are taken here, through the service's own snapshotter, before anything is measured.
     */
    private void takeSnapshots(Snapshotter snapshotter, ThreadPoolExecutor executor) throws InterruptedException {
        step("taking a snapshot of each seeded incident");
        long started = System.nanoTime();
        for (UUID id : incidents) {
            while (executor.getQueue().remainingCapacity() < 10) {
                Thread.sleep(5);
            }
            snapshotter.scheduleSnapshot(Incident.class, id.toString());
        }
        while (executor.getCompletedTaskCount() < executor.getTaskCount()) {
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        details.put("snapshots", Map.of("incidents", incidents.size(), "seconds", seconds));
        step("took " + incidents.size() + " snapshots in " + fmt(seconds) + " s");
    }

    private void measureInProcess(CommandGateway gateway) throws Exception {
        Workload workload = new Workload(incidents, "inproc", CLIENTS);
        AtomicLong correlation = new AtomicLong();
        Worker worker = w -> {
            Workload.Step step = workload.next(w);
            Object command = step.disruption()
                    ? new ReportServiceDisruption(step.incidentId(), null, step.serviceId(), ServiceImpact.UNAVAILABLE,
                            step.at(), "load test")
                    : new RestoreService(step.incidentId(), null, step.serviceId(), step.at(), "load test");
            gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(
                    Map.of("actor", "load-test", "correlationId", "load-" + correlation.incrementAndGet())));
        };
        warmUp("in-process commands", worker);
        List<Run> runs = new ArrayList<>();
        List<double[]> cpu = new ArrayList<>();
        for (int r = 0; r < options.repeats(); r++) {
            step("in-process commands: run " + (r + 1) + " of " + options.repeats());
            double jvm = CpuTime.ofThisJvm();
            Map<Long, Double> postgres = CpuTime.ofPostgres();
            Run run = closedLoop(CLIENTS, options.seconds(), worker);
            runs.add(run);
            cpu.add(new double[] {(CpuTime.ofThisJvm() - jvm) / run.completed(),
                    CpuTime.postgresSince(postgres) / run.completed()});
            step("pgbench: run " + (r + 1) + " of " + options.repeats());
            pgbenchRuns.add(Anchors.pgbench(pgHost, pgPort, pgUser, commandDb.name(), CLIENTS, options.seconds(),
                    workDir));
        }
        addThroughputRows("commands in-process", runs, 0.50, Double.NaN);
        addCpuRows("in-process command", "this JVM (service, broker, clients)", cpu);
    }

    /** The median CPU cost of one operation over the runs, of the process named and of PostgreSQL. */
    private void addCpuRows(String operation, String process, List<double[]> perOperation) {
        double own = median(perOperation.stream().map(c -> c[0]).toList());
        double postgres = median(perOperation.stream().map(c -> c[1]).toList());
        rows.add(new Row("CPU per " + operation + ": " + process, own, "ms", null, null, "", null));
        rows.add(new Row("CPU per " + operation + ": PostgreSQL", postgres, "ms", null, null, "", null));
        details.put("cpu per " + operation, Map.of("process", process, "processMillis", own,
                "postgresMillis", postgres));
    }

    private void addThroughputRows(String name, List<Run> runs, double share, double p99Limit) {
        double perSecond = median(runs.stream().map(Run::perSecond).toList());
        double p50 = median(runs.stream().map(r -> r.latencies().percentileMillis(50)).toList());
        double p99 = median(runs.stream().map(r -> r.latencies().percentileMillis(99)).toList());
        double pgTps = median(Anchors.column(pgbenchRuns, Anchors.Result::perSecond));
        double pgP50 = median(Anchors.column(pgbenchRuns, Anchors.Result::p50Millis));
        double pgP99 = median(Anchors.column(pgbenchRuns, Anchors.Result::p99Millis));
        rows.add(new Row(name + ", 16 clients", perSecond, "commands/s", "pgbench 1-row INSERT tps", pgTps,
                ">= " + Math.round(share * 100) + "% of pgbench", perSecond >= share * pgTps));
        rows.add(new Row(name + " p50", p50, "ms", "pgbench p50", pgP50, "", null));
        rows.add(new Row(name + " p99", p99, "ms", "pgbench p99", pgP99,
                Double.isNaN(p99Limit) ? "" : "< " + fmt(p99Limit) + " ms", Double.isNaN(p99Limit) ? null : p99 < p99Limit));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("runs", runs.stream().map(Run::describe).toList());
        detail.put("pgbenchRuns", pgbenchRuns);
        details.put(name, detail);
    }

    // ---- phase 2: each service a JVM of its own -------------------------------------------------------------------

    private void serviceProcessesPhase() throws Exception {
        boolean needQuery = options.only().stream().anyMatch(m -> !m.equals("inprocess") && !m.equals("http"));
        if (options.only().contains("rebuild")) {
            measureRebuildWithDefaults();
        }
        ServiceProcess query = null;
        ServiceProcess command = null;
        try {
            if (needQuery) {
                query = ServiceProcess.start("query-service", QueryServiceApplication.class.getName(), freePort(),
                        queryArguments(queryDb, List.of()), workDir.resolve("query-service"));
                measureRebuild(query);
                query.awaitLive(Duration.ofMinutes(3));
            }
            if (options.only().stream().anyMatch(m -> !m.equals("inprocess") && !m.equals("rebuild"))) {
                command = ServiceProcess.start("command-service", CommandServiceApplication.class.getName(),
                        freePort(), commandArguments(null), workDir);
                command.awaitLive(Duration.ofMinutes(3));
                step("command service " + command.pid() + " live on port " + command.port);
            }
            if (options.only().contains("http")) {
                measureHttp(command);
            }
            if (options.only().contains("freshness")) {
                measureFreshness(command);
            }
            if (options.only().contains("query")) {
                measureQueries(command, query);
            }
            if (options.only().contains("memory")) {
                measureMemory(command, query);
            }
        } finally {
            if (command != null) {
                command.close();
            }
            if (query != null) {
                query.close();
            }
        }
    }

    private List<String> queryArguments(LocalDatabases.Database database, List<String> extra) {
        List<String> args = new ArrayList<>(serviceArguments(database));
        args.add("--spring.config.name=" + QueryServiceApplication.CONFIG_NAME);
        // start-up checks of the broker get more time than in production: the machine may be loaded
        args.add("--incident-query.kafka.health-timeout=30s");
        args.addAll(extra);
        return args;
    }

    private void measureRebuildWithDefaults() throws Exception {
        step("rebuild with Axon's default processor settings, for " + options.rebuildAnchorSeconds() + " s");
        double load = loadAverage();
        try (ServiceProcess defaults = ServiceProcess.start("query-service-defaults",
                QueryServiceApplication.class.getName(), freePort(),
                queryArguments(defaultsQueryDb, DEFAULT_PROCESSOR_SETTINGS), workDir.resolve("query-service-defaults"))) {
            long[] first = awaitFirstProgress(defaultsQueryDb, defaults);
            long windowEnd = first[1] + options.rebuildAnchorSeconds() * 1_000_000_000L;
            long done;
            while ((done = projectedEvents(defaultsQueryDb)) < topicRecords && System.nanoTime() < windowEnd) {
                Thread.sleep(100);
            }
            double seconds = (System.nanoTime() - first[1]) / 1e9;
            double rate = (done - first[0]) / seconds;
            details.put("rebuildWithDefaults", Map.of("events", done - first[0], "seconds", seconds,
                    "eventsPerSecond", rate, "loadAverage", load, "settings", DEFAULT_PROCESSOR_SETTINGS));
            step("defaults: " + (done - first[0]) + " events in " + fmt(seconds) + " s = " + fmt(rate) + " events/s");
        }
    }

    private void measureRebuild(ServiceProcess query) throws Exception {
        step("rebuild of all projections from " + totalEvents + " events (a fresh query database)");
        double load = loadAverage();
        long[] first = awaitFirstProgress(queryDb, query);
        long done = awaitPosition("rebuilt", () -> projectedEvents(queryDb), topicRecords, Duration.ofMinutes(30),
                query);
        double seconds = (System.nanoTime() - first[1]) / 1e9;
        double rate = (done - first[0]) / seconds;
        details.put("rebuild", Map.of("events", done - first[0], "seconds", seconds, "eventsPerSecond", rate,
                "loadAverage", load));
        step("rebuilt " + totalEvents + " events at " + fmt(rate) + " events/s");
        if (options.only().contains("rebuild")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> defaults = (Map<String, Object>) details.get("rebuildWithDefaults");
            double anchor = ((Number) defaults.get("eventsPerSecond")).doubleValue();
            rows.add(new Row("rebuild of all projections", rate, "events/s", "default processor settings", anchor,
                    ">= 20000/s and >= 10x defaults", rate >= 20_000 && rate >= 10 * anchor));
        }
    }

    @FunctionalInterface
    interface Position {
        long read() throws SQLException;
    }

    /** Polls {@code position} until it reaches {@code target}, reporting every 15 s; answers the last position. */
    private static long awaitPosition(String what, Position position, long target, Duration timeout,
                                      ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        long reached;
        while ((reached = position.read()) < target) {
            if (service != null) {
                service.failIfExited();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " only " + reached + " of " + target + " within " + timeout);
            }
            if (System.nanoTime() - lastReport > 15_000_000_000L) {
                step("  " + what + " " + reached + " of " + target);
                lastReport = System.nanoTime();
            }
            Thread.sleep(100);
        }
        return reached;
    }

    /** Waits until the processors have made progress; answers {events, nanoTime} of that first observation. */
    private long[] awaitFirstProgress(LocalDatabases.Database database, ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            service.failIfExited();
            long done = projectedEvents(database);
            if (done > 0) {
                return new long[] {done, System.nanoTime()};
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no projection progress in " + database.name());
    }

    private static final Pattern POSITION = Pattern.compile("\"" + TOPIC + "-(\\d+)\"\\s*:\\s*(\\d+)");

    /**
     * Records handled by every processor: for each processor, the sum over partitions of its position + 1 (a
     * segment's Kafka token holds the offset of the last record it handled); the smallest over the processors.
     * Counts records, so duplicates the publisher sent count too (the processors read them as well).
     */
    private long projectedEvents(LocalDatabases.Database database) throws SQLException {
        Map<String, Map<Integer, Long>> positions = new HashMap<>();
        try (Connection connection = connect(database); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT processor_name, convert_from(token, 'UTF8') FROM token_entry WHERE token IS NOT NULL")) {
            while (rows.next()) {
                Map<Integer, Long> byPartition = positions.computeIfAbsent(rows.getString(1), p -> new HashMap<>());
                String token = rows.getString(2);
                int current = token.indexOf("\"currentToken\"");
                // a replay token also holds the position at reset; only the current one counts
                Matcher m = POSITION.matcher(current < 0 ? token : token.substring(current));
                while (m.find()) {
                    byPartition.merge(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)) + 1, Math::min);
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // not migrated yet
            }
            throw e;
        }
        if (positions.size() < 2) {
            return 0;
        }
        return positions.values().stream()
                .mapToLong(p -> p.values().stream().mapToLong(Long::longValue).sum())
                .min().orElse(0);
    }

    private void measureHttp(ServiceProcess command) throws Exception {
        Workload workload = new Workload(incidents, "http", CLIENTS);
        Worker worker = w -> http.command(command.port, workload.next(w));
        warmUp("HTTP commands", worker);
        List<Run> runs = new ArrayList<>();
        List<double[]> cpu = new ArrayList<>();
        for (int r = 0; r < options.repeats(); r++) {
            step("HTTP commands: run " + (r + 1) + " of " + options.repeats());
            double service = CpuTime.ofProcess(command.pid());
            Map<Long, Double> postgres = CpuTime.ofPostgres();
            Run run = closedLoop(CLIENTS, options.seconds(), worker);
            runs.add(run);
            cpu.add(new double[] {(CpuTime.ofProcess(command.pid()) - service) / run.completed(),
                    CpuTime.postgresSince(postgres) / run.completed()});
            if (pgbenchRuns.size() < 2 * options.repeats()) {
                step("pgbench: run " + (pgbenchRuns.size() + 1));
                pgbenchRuns.add(Anchors.pgbench(pgHost, pgPort, pgUser, commandDb.name(), CLIENTS, options.seconds(),
                        workDir));
            }
        }
        addThroughputRows("commands over HTTP", runs, 0.25, 25.0);
        addCpuRows("HTTP command", "command service", cpu);
    }

    private void measureFreshness(ServiceProcess command) throws Exception {
        step("Kafka's EndToEndLatency on the same broker, " + options.e2eMessages() + " messages");
        Anchors.Result kafka = Anchors.kafkaEndToEnd(bootstrap, options.e2eMessages(), 600);
        details.put("kafkaEndToEndLatency", kafka);
        int rate = options.freshnessRate();
        int seconds = options.freshnessSeconds();
        step("freshness at " + rate + " commands/s for " + seconds + " s");
        double load = loadAverage();
        int workers = 32;
        Workload workload = new Workload(incidents, "fresh", workers);
        Map<UUID, ConcurrentLinkedQueue<long[]>> pending = new ConcurrentHashMap<>();
        Latencies freshness = new Latencies();
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicBoolean sending = new AtomicBoolean(true);
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 100_000_000L;
        long end = start + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            threads.add(start(() -> {
                for (long j = 0; ; j++) {
                    long due = start + (j * workers + worker) * periodNanos;
                    if (due >= end || System.nanoTime() >= end) {
                        return;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    Workload.Step step = workload.next(worker);
                    try {
                        long version = http.command(command.port, step);
                        long acceptedAt = System.nanoTime();
                        pending.computeIfAbsent(step.incidentId(), id -> new ConcurrentLinkedQueue<>())
                                .add(new long[] {version, acceptedAt});
                        accepted.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        Thread poller = start(() -> pollVisibility(pending, freshness, sending));
        for (Thread thread : threads) {
            thread.join();
        }
        double achieved = accepted.get() / ((System.nanoTime() - start) / 1e9);
        sending.set(false);
        poller.join(60_000);
        double p50 = freshness.percentileMillis(50);
        double p99 = freshness.percentileMillis(99);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("targetRate", rate);
        detail.put("achievedRate", achieved);
        detail.put("accepted", accepted.get());
        detail.put("failed", failed.get());
        detail.put("seen", freshness.count());
        detail.put("p50Millis", p50);
        detail.put("p99Millis", p99);
        detail.put("p999Millis", freshness.percentileMillis(99.9));
        detail.put("loadAverage", load);
        details.put("freshness", detail);
        rows.add(new Row("freshness p50 at " + Math.round(achieved) + " commands/s", p50, "ms",
                "Kafka EndToEndLatency p50", kafka.p50Millis(), "", null));
        rows.add(new Row("freshness p99 at " + Math.round(achieved) + " commands/s", p99, "ms",
                "Kafka EndToEndLatency p99", kafka.p99Millis(), "< 250 ms (at 1000/s)",
                p99 < 250 && achieved >= 0.95 * rate && freshness.count() == accepted.get()));
    }

    /** Polls the query database's incident view until every accepted command's version is visible. */
    private void pollVisibility(Map<UUID, ConcurrentLinkedQueue<long[]>> pending, Latencies freshness,
                                AtomicBoolean sending) {
        long giveUp = Long.MAX_VALUE;
        try (Connection connection = connect(queryDb);
             PreparedStatement select = connection.prepareStatement(
                     "SELECT incident_id, version FROM incident WHERE incident_id = ANY(?)")) {
            while (true) {
                List<UUID> waiting = new ArrayList<>();
                pending.forEach((id, queue) -> {
                    if (!queue.isEmpty()) {
                        waiting.add(id);
                    }
                });
                if (waiting.isEmpty()) {
                    if (!sending.get()) {
                        return;
                    }
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                if (!sending.get() && giveUp == Long.MAX_VALUE) {
                    giveUp = System.nanoTime() + 30_000_000_000L;
                }
                if (System.nanoTime() > giveUp) {
                    return;
                }
                select.setArray(1, connection.createArrayOf("uuid", waiting.toArray()));
                try (ResultSet rs = select.executeQuery()) {
                    long now = System.nanoTime();
                    while (rs.next()) {
                        ConcurrentLinkedQueue<long[]> queue = pending.get(rs.getObject(1, UUID.class));
                        long version = rs.getLong(2);
                        long[] head;
                        while ((head = queue.peek()) != null && head[0] <= version) {
                            queue.poll();
                            freshness.record(now - head[1]);
                        }
                    }
                }
                LockSupport.parkNanos(1_000_000);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void measureQueries(ServiceProcess command, ServiceProcess query) throws Exception {
        int seconds = options.querySeconds();
        step("queries under load: " + CLIENTS + " clients for " + seconds + " s, commands at 100/s beside");
        double load = loadAverage();
        Latencies detail = new Latencies();
        Latencies board = new Latencies();
        AtomicBoolean running = new AtomicBoolean(true);
        Workload workload = new Workload(incidents, "beside", 4);
        List<Thread> background = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int worker = w;
            background.add(start(() -> {
                long next = System.nanoTime();
                while (running.get()) {
                    next += 40_000_000L;
                    try {
                        http.command(command.port, workload.next(worker));
                    } catch (Exception e) {
                        // the load beside is not measured
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }));
        }
        Worker reader = w -> {
            boolean isBoard = ThreadLocalRandom.current().nextInt(4) == 0;
            long t0 = System.nanoTime();
            if (isBoard) {
                http.query(query.port, "/api/services");
                board.record(System.nanoTime() - t0);
            } else {
                UUID id = incidents.get(ThreadLocalRandom.current().nextInt(incidents.size()));
                http.query(query.port, Http.incidentPath(id));
                detail.record(System.nanoTime() - t0);
            }
        };
        warmUp("queries", reader);
        detail.clear();
        board.clear();
        Run run = closedLoop(CLIENTS, seconds, reader);
        running.set(false);
        for (Thread thread : background) {
            thread.join();
        }
        Latencies measuredDetail = detail;
        Latencies measuredBoard = board;
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("queriesPerSecond", run.perSecond());
        d.put("errors", run.errors());
        d.put("detailCount", measuredDetail.count());
        d.put("boardCount", measuredBoard.count());
        d.put("loadAverage", load);
        details.put("queries", d);
        rows.add(new Row("incident detail p50", measuredDetail.percentileMillis(50), "ms", null, null, "", null));
        rows.add(new Row("incident detail p99", measuredDetail.percentileMillis(99), "ms", null, null, "< 10 ms",
                measuredDetail.percentileMillis(99) < 10));
        rows.add(new Row("service board p50", measuredBoard.percentileMillis(50), "ms", null, null, "", null));
        rows.add(new Row("service board p99", measuredBoard.percentileMillis(99), "ms", null, null, "< 10 ms",
                measuredBoard.percentileMillis(99) < 10));
    }

    private void measureMemory(ServiceProcess command, ServiceProcess query) throws IOException {
        double[] commandRss = command.residentMiB();
        double[] queryRss = query.residentMiB();
        details.put("memory", Map.of("commandRssMiB", commandRss[0], "commandPeakMiB", commandRss[1],
                "queryRssMiB", queryRss[0], "queryPeakMiB", queryRss[1]));
        rows.add(new Row("command service resident (peak " + Math.round(commandRss[1]) + ")", commandRss[0], "MiB",
                null, null, "<= 512 MiB", commandRss[1] <= 512));
        rows.add(new Row("query service resident (peak " + Math.round(queryRss[1]) + ")", queryRss[0], "MiB",
                null, null, "<= 512 MiB", queryRss[1] <= 512));
    }

    // ---- load loops -----------------------------------------------------------------------------------------------

    @FunctionalInterface
    interface Worker {
        void call(int worker) throws Exception;
    }

    record Run(long completed, long errors, double seconds, Latencies latencies, double loadAverage) {

        double perSecond() {
            return completed / seconds;
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("completed", completed);
            m.put("errors", errors);
            m.put("seconds", seconds);
            m.put("perSecond", perSecond());
            m.put("p50Millis", latencies.percentileMillis(50));
            m.put("p99Millis", latencies.percentileMillis(99));
            m.put("loadAverage", loadAverage);
            return m;
        }
    }

    /** {@code threads} workers, each calling again as soon as its call returned, for {@code seconds}. */
    /**
     * Runs the workload in rounds of 5 s until the JIT compiler has done its work: until a round's throughput is
     * within 5% of the round before, at least 4 and at most 12 rounds. A fixed few seconds were not enough: a
     * service's code paths, run once per request, stay interpreted for thousands of requests, and the first measured
     * runs then showed half the steady throughput at twice the CPU per request.
     */
    private static void warmUp(String what, Worker worker) throws InterruptedException {
        double previous = 0;
        for (int round = 1; round <= 12; round++) {
            step(what + ": warm-up round " + round);
            double rate = closedLoop(CLIENTS, 5, worker).perSecond();
            if (round >= 4 && Math.abs(rate - previous) <= 0.05 * previous) {
                return;
            }
            previous = rate;
        }
    }

    private static Run closedLoop(int threads, int seconds, Worker worker) throws InterruptedException {
        double load = loadAverage();
        Latencies latencies = new Latencies();
        AtomicLong completed = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int w = t;
            running.add(start(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        worker.call(w);
                        latencies.record(System.nanoTime() - t0);
                        completed.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        if (firstErrors.size() < 3) {
                            firstErrors.add(e.toString());
                        }
                    }
                }
            }));
        }
        for (Thread thread : running) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (errors.get() > 0) {
            step("  " + errors.get() + " failed calls, e.g. " + firstErrors);
        }
        step("  " + completed.get() + " calls in " + fmt(elapsed) + " s = " + fmt(completed.get() / elapsed)
                + "/s, p50 " + fmt(latencies.percentileMillis(50)) + " ms, p99 "
                + fmt(latencies.percentileMillis(99)) + " ms (load " + load + ")");
        return new Run(completed.get(), errors.get(), elapsed, latencies, load);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private List<String> commandArguments(Integer port) {
        List<String> args = new ArrayList<>(serviceArguments(commandDb));
        args.add("--spring.config.name=" + CommandServiceApplication.CONFIG_NAME);
        if (port != null) {
            args.add("--server.port=" + port);
        }
        return args;
    }

    private List<String> serviceArguments(LocalDatabases.Database database) {
        return List.of(
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--axon.kafka.bootstrap-servers=" + bootstrap,
                "--logging.level.root=WARN",
                "--logging.level.io.incidenttracker=WARN");
    }

    private long topicEnd() throws Exception {
        Map<String, TopicDescription> topics = admin.describeTopics(List.of(TOPIC)).allTopicNames().get();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        topics.get(TOPIC).partitions().forEach(p -> request.put(new TopicPartition(TOPIC, p.partition()),
                OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private static final Pattern TOKEN_INDEX = Pattern.compile("\"index\"\\s*:\\s*(\\d+)");

    /** The global index the publisher's token has reached (its processor is the only one in the command database). */
    private long publisherPosition() throws SQLException {
        long position = -1;
        try (Connection connection = connect(commandDb); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT convert_from(token, 'UTF8') FROM token_entry WHERE token IS NOT NULL")) {
            while (rows.next()) {
                Matcher m = TOKEN_INDEX.matcher(rows.getString(1));
                if (m.find()) {
                    position = Math.max(position, Long.parseLong(m.group(1)));
                }
            }
        }
        return position;
    }

    private long lastGlobalIndex() throws SQLException {
        try (Connection connection = connect(commandDb); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT max(global_index) FROM domain_event_entry")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Connection connect(LocalDatabases.Database database) throws SQLException {
        return DriverManager.getConnection(database.url(), database.user(), database.password());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Thread start(Runnable body) {
        Thread thread = new Thread(body);
        thread.start();
        return thread;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    private static void step(String message) {
        System.out.println("[bench " + DateTimeFormatter.ISO_LOCAL_TIME.format(java.time.LocalTime.now())
                .substring(0, 8) + " load " + loadAverage() + "] " + message);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- output ---------------------------------------------------------------------------------------------------

    private void report(Path resultsDir) throws IOException {
        StringBuilder table = new StringBuilder();
        String format = "%-52s %12s %-10s %-28s %10s %7s %-30s %s%n";
        table.append(String.format(Locale.ROOT, format, "measure", "figure", "unit", "anchor", "anchor", "ratio",
                "target", "met?"));
        for (Row row : rows) {
            Double ratio = row.ratio();
            table.append(String.format(Locale.ROOT, format, row.measure(), fmt(row.value()), row.unit(),
                    row.anchorName() == null ? "" : row.anchorName(), row.anchor() == null ? "" : fmt(row.anchor()),
                    ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio), row.target(),
                    row.met() == null ? "" : row.met() ? "yes" : "NO"));
        }
        System.out.println();
        System.out.print(table);
        Files.createDirectories(resultsDir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        String base = "bench-" + options.label() + "-" + stamp;
        Map<String, Object> json = new LinkedHashMap<>();
        List<Map<String, Object>> rowMaps = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", row.measure());
            m.put("value", row.value());
            m.put("unit", row.unit());
            m.put("anchor", row.anchorName());
            m.put("anchorValue", row.anchor());
            m.put("ratio", row.ratio());
            m.put("target", row.target());
            m.put("met", row.met());
            rowMaps.add(m);
        }
        json.put("rows", rowMaps);
        json.put("details", details);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .findAndRegisterModules();
        Files.writeString(resultsDir.resolve(base + ".json"), mapper.writeValueAsString(json));
        StringBuilder csv = new StringBuilder("measure,value,unit,anchor,anchor_value,ratio,target,met\n");
        for (Row row : rows) {
            csv.append(String.join(",", quote(row.measure()), fmt(row.value()), row.unit(),
                    quote(row.anchorName() == null ? "" : row.anchorName()),
                    row.anchor() == null ? "" : fmt(row.anchor()),
                    row.ratio() == null ? "" : String.format(Locale.ROOT, "%.3f", row.ratio()), quote(row.target()),
                    row.met() == null ? "" : row.met().toString())).append('\n');
        }
        Files.writeString(resultsDir.resolve(base + ".csv"), csv.toString());
        Files.writeString(resultsDir.resolve(base + ".txt"), table.toString());
        System.out.println("results: " + resultsDir.resolve(base + ".json") + " (and .csv, .txt)");
    }

    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
