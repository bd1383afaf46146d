package io.incidenttracker.bench;

import static io.incidenttracker.bench.Console.step;

import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.launcher.EmbeddedKafkaBroker;
import io.incidenttracker.launcher.LocalDatabases;
import io.incidenttracker.query.QueryServiceApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs the chosen measures in two phases on fresh databases and a broker of its own. First the command service inside
 * this JVM: seeding, snapshots and the in-process commands. Then each service as a JVM of its own: the rebuild (the
 * query service rebuilds whenever it is needed), then the measures over HTTP, in the order of
 * {@link Options#MEASURES}.
 */
final class Harness {

    /** The measures against both services as JVMs of their own, by the name {@code --only} knows them by. */
    private static final Map<String, Measure> AGAINST_SERVICES = services();

    private final BenchContext context;

    Harness(BenchContext context) {
        this.context = context;
    }

    private static Map<String, Measure> services() {
        Map<String, Measure> measures = new LinkedHashMap<>();
        measures.put("http", new HttpCommands());
        measures.put("freshness", new Freshness());
        measures.put("query", new QueriesUnderLoad());
        measures.put("crowd", new PublicStatusCrowd());
        measures.put("fanout", new StreamFanOut());
        measures.put("memory", new Memory());
        measures.put("reports", new ReportsBesideWaitingClocks());
        return measures;
    }

    /**
     * What the crowd and fan-out measures need of the query service: public services, the rate limit lifted and the
     * stream bound raised. The one query service serves every measure: the others' callers stay far below the local
     * profile's own limit, so the lifted limit changes nothing for them.
     */
    private static List<String> liveAndPublicArguments() {
        List<String> arguments = new java.util.ArrayList<>(PublicStatusCrowd.QUERY_ARGUMENTS);
        arguments.addAll(StreamFanOut.QUERY_ARGUMENTS);
        return arguments;
    }

    void run() throws Exception {
        Results results = context.results();
        results.detail("startedAt", Instant.now().toString());
        results.detail("mode", context.options().label());
        results.detail("machine", Map.of("cpus", Runtime.getRuntime().availableProcessors(),
                "loadAverageAtStart", Console.loadAverage()));
        results.detail("serviceJvmFlags", ServiceProcess.JVM_FLAGS);
        List<LocalDatabases.Database> databases = List.of(context.commandDb(), context.queryDb(),
                context.defaultsQueryDb());
        step("preparing databases " + databases.stream().map(LocalDatabases.Database::name)
                .collect(Collectors.joining(", ")));
        for (LocalDatabases.Database database : databases) {
            LocalDatabases.recreate(database);
        }
        // the server's settings that shape the write-heavy figures (a rebuild writes gigabytes of WAL); a server
        // without autovacuum (a CI configuration) never removes dead rows on its own: say so beside the figures
        Map<String, String> postgres = new java.util.TreeMap<>();
        for (String setting : List.of("autovacuum", "shared_buffers", "max_wal_size", "synchronous_commit")) {
            postgres.put(setting, BenchContext.setting(context.queryDb(), setting));
        }
        results.detail("postgresSettings", postgres);
        String autovacuum = postgres.get("autovacuum");
        step("PostgreSQL " + postgres);
        if (!"on".equals(autovacuum)) {
            step("PostgreSQL runs with autovacuum " + autovacuum + ": only the services' own vacuums remove dead rows");
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(context.workDir().resolve("kafka"), 0, 0)) {
            Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
            context.broker(broker.bootstrapServers(), admin);
            try {
                inProcessPhase();
                serviceProcessesPhase();
            } finally {
                admin.close();
            }
        }
        results.detail("loadAverageAtEnd", Console.loadAverage());
    }

    // ---- phase 1: the command service inside this JVM: seeding, in-process commands, pgbench ---------------------

    private void inProcessPhase() throws Exception {
        Options options = context.options();
        step("starting the command service in-process");
        ConfigurableApplicationContext command = new SpringApplicationBuilder(CommandServiceApplication.class)
                .properties("spring.config.name=" + CommandServiceApplication.CONFIG_NAME)
                .main(CommandServiceApplication.class)
                .registerShutdownHook(false)
                .run(context.commandArguments(BenchContext.freePort()).toArray(String[]::new));
        context.inProcessCommand(command);
        try {
            new Seeding().run(context);
            new Snapshots().run(context);
            if (options.runs("inprocess") || options.runs("http")) {
                try (Connection connection = BenchContext.connect(context.commandDb());
                     Statement statement = connection.createStatement()) {
                    statement.execute(Anchors.pgbenchTable());
                }
            }
            if (options.runs("inprocess")) {
                new InProcessCommands().run(context);
            }
        } finally {
            step("stopping the in-process command service");
            command.close();
            context.inProcessCommand(null);
        }
        if (options.runs("inprocess") && needsQueryService(options)) {
            // the query service's rebuild reads the commands' events too: it counts them with the seeded ones
            context.commandsPublished(Seeding.topicExtent(context));
        }
    }

    /** Whether a measure chosen needs the query service (its rebuild runs first): the commands' alone do not. */
    private static boolean needsQueryService(Options options) {
        return options.runsAnyBut("inprocess", "http", "reports");
    }

    // ---- phase 2: each service a JVM of its own -------------------------------------------------------------------

    private void serviceProcessesPhase() throws Exception {
        Options options = context.options();
        if (options.runs("rebuild")) {
            new RebuildAnchor().run(context);
        }
        ServiceProcess query = null;
        ServiceProcess command = null;
        try {
            if (needsQueryService(options)) {
                query = ServiceProcess.start("query-service", QueryServiceApplication.class.getName(),
                        BenchContext.freePort(), context.queryArguments(context.queryDb(), liveAndPublicArguments()),
                        context.workDir().resolve("query-service"));
                context.services(null, query);
                new Rebuild().run(context);
                query.awaitLive(Duration.ofMinutes(10));
            }
            if (options.runsAnyBut("inprocess", "rebuild")) {
                command = ServiceProcess.start("command-service", CommandServiceApplication.class.getName(),
                        BenchContext.freePort(), context.commandArguments(null), context.workDir());
                command.awaitLive(Duration.ofMinutes(10));
                step("command service " + command.pid() + " live on port " + command.port);
            }
            context.services(command, query);
            for (Map.Entry<String, Measure> measure : AGAINST_SERVICES.entrySet()) {
                if (options.runs(measure.getKey())) {
                    measure.getValue().run(context);
                }
            }
        } finally {
            context.services(null, null);
            if (command != null) {
                command.close();
            }
            if (query != null) {
                query.close();
            }
        }
    }
}
