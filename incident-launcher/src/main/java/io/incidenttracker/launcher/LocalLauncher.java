package io.incidenttracker.launcher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole system on a developer's machine with one command: creates the two PostgreSQL databases when
 * missing, starts a Kafka broker inside this JVM, then the command service and the query service.
 *
 * <pre>
 * java -jar incident-launcher/target/incident-launcher.jar [--demo] [--key=value ...]
 * </pre>
 *
 * <p>Data is kept across restarts: the PostgreSQL databases, and the broker's logs under
 * {@code ${INCIDENT_TRACKER_DATA_DIR:./.local-data}/kafka}. Ctrl-C stops the query service, the command service and
 * the broker, in that order. Other {@code --key=value} arguments go to both services as Spring properties.
 */
public final class LocalLauncher {

    static final String DATA_DIR_VARIABLE = "INCIDENT_TRACKER_DATA_DIR";
    static final String KAFKA_PORT_VARIABLE = "INCIDENT_TRACKER_KAFKA_PORT";
    static final String KAFKA_CONTROLLER_PORT_VARIABLE = "INCIDENT_TRACKER_KAFKA_CONTROLLER_PORT";
    static final int DEFAULT_KAFKA_PORT = 9092;
    static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;
    static final int DEFAULT_COMMAND_PORT = 8081;
    static final int DEFAULT_QUERY_PORT = 8082;

    private LocalLauncher() {
    }

    public static void main(String[] args) {
        if (System.getProperty("disable-axoniq-console-message") == null) {
            System.setProperty("disable-axoniq-console-message", "true");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println();
            usage(System.err);
            System.exit(2);
            return;
        }
        if (options.help) {
            usage(System.out);
            return;
        }
        quietKafkaLogging();
        Logger log = LoggerFactory.getLogger(LocalLauncher.class);

        LocalStack stack;
        try {
            stack = start(options, System::getenv);
        } catch (RuntimeException e) {
            log.error("Start-up failed: {}", e.getMessage(), e);
            System.err.println();
            System.err.println("Incident Tracker did not start: " + rootMessage(e));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Incident Tracker ...");
            stack.close();
            System.out.println("Incident Tracker stopped; data is kept for the next start.");
        }, "incident-tracker-shutdown"));

        banner(System.out, stack);

        if (options.demo) {
            System.out.println("Loading the demo story through the command API ...");
            try {
                String incidentId = new DemoStory(stack.commandUri(), stack.queryUri(), System.out).load();
                System.out.println("Demo story loaded: curl -u viewer:viewer " + stack.queryUri()
                        + "/api/incidents/" + incidentId);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("Loading the demo story failed: {}", e.getMessage(), e);
            }
        }
    }

    static LocalStack start(Options options, Function<String, String> env) {
        int kafkaPort = port(env, KAFKA_PORT_VARIABLE, DEFAULT_KAFKA_PORT);
        int controllerPort = port(env, KAFKA_CONTROLLER_PORT_VARIABLE, DEFAULT_KAFKA_CONTROLLER_PORT);
        int commandPort = port(env, "INCIDENT_COMMAND_PORT", DEFAULT_COMMAND_PORT);
        int queryPort = port(env, "INCIDENT_QUERY_PORT", DEFAULT_QUERY_PORT);
        requireFreePorts(List.of(
                new NamedPort("Kafka broker", kafkaPort, KAFKA_PORT_VARIABLE),
                new NamedPort("Kafka controller", controllerPort, KAFKA_CONTROLLER_PORT_VARIABLE),
                new NamedPort("command service", commandPort, "INCIDENT_COMMAND_PORT"),
                new NamedPort("query service", queryPort, "INCIDENT_QUERY_PORT")));

        LocalDatabases.Database commandDatabase = LocalDatabases.command(env);
        LocalDatabases.Database queryDatabase = LocalDatabases.query(env);
        LocalDatabases.ensureExist(List.of(commandDatabase, queryDatabase));

        return LocalStack.start(new LocalStack.Settings()
                .kafka(dataDirectory(env).resolve("kafka"), kafkaPort, controllerPort)
                .brokers(options.brokers)
                .commandPort(commandPort)
                .queryPort(queryPort)
                .commandDatabase(commandDatabase)
                .queryDatabase(queryDatabase)
                .extraArguments(options.serviceArguments));
    }

    static Path dataDirectory(Function<String, String> env) {
        String configured = env.apply(DATA_DIR_VARIABLE);
        return Path.of(configured == null || configured.isBlank() ? "./.local-data" : configured)
                .toAbsolutePath().normalize();
    }

    private static int port(Function<String, String> env, String variable, int fallback) {
        String value = env.apply(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a port number between 1 and 65535, not '"
                    + value + "'");
        }
    }

    private record NamedPort(String what, int port, String variable) {
    }

    private static void requireFreePorts(List<NamedPort> ports) {
        List<String> busy = new ArrayList<>();
        for (NamedPort port : ports) {
            if (!FreePorts.isFree(port.port())) {
                busy.add("port " + port.port() + " (" + port.what() + ", set " + port.variable() + " to move it)");
            }
        }
        for (int i = 0; i < ports.size(); i++) {
            for (int j = i + 1; j < ports.size(); j++) {
                if (ports.get(i).port() == ports.get(j).port()) {
                    busy.add("port " + ports.get(i).port() + " is configured for both the " + ports.get(i).what()
                            + " and the " + ports.get(j).what());
                }
            }
        }
        if (!busy.isEmpty()) {
            throw new IllegalStateException("ports not available: " + String.join("; ", busy)
                    + ". Is Incident Tracker (or another Kafka) already running?");
        }
    }

    /**
     * Before the first service starts, logging runs on Logback's defaults (everything at DEBUG); the broker starts
     * before that. The services then configure logging themselves and get the same levels as arguments.
     */
    private static void quietKafkaLogging() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            for (String name : LocalStack.KAFKA_LOGGERS) {
                context.getLogger(name).setLevel(Level.WARN);
            }
        }
    }

    static void banner(PrintStream out, LocalStack stack) {
        String command = stack.commandUri().toString();
        String query = stack.queryUri().toString();
        String rule = "=".repeat(100);
        out.println();
        out.println(rule);
        out.println(" Incident Tracker is running");
        out.println();
        out.println("   Command API    " + command + "    OpenAPI: " + command + "/swagger-ui.html");
        out.println("   Query API      " + query + "    OpenAPI: " + query + "/swagger-ui.html");
        if (stack.cluster() != null) {
            out.println("   Kafka cluster  " + stack.cluster().bootstrapServers() + "    " + stack.cluster().size()
                    + " nodes, data in " + stack.cluster().directory());
        } else {
            out.println("   Kafka broker   " + stack.broker().bootstrapServers() + "    topic incident-events, data in "
                    + stack.broker().directory());
        }
        out.println("   Databases      command: " + databaseOf(stack, true));
        out.println("                  query:   " + databaseOf(stack, false));
        out.println("   Users          responder, viewer, auditor, admin (HTTP Basic, password = user name)");
        out.println();
        out.println(" Try it:");
        out.println("   curl -i -u responder:responder -H 'Content-Type: application/json' \\");
        out.println("        -d '{\"title\":\"Ransomware on the booking backend\",\"attackType\":\"RANSOMWARE\","
                + "\"severity\":\"HIGH\",\"detectedAt\":\"2023-08-30T06:15:00Z\",\"affectedSystems\":[\"app-booking\"]}' \\");
        out.println("        " + command + "/api/incidents");
        out.println("   curl -u viewer:viewer " + query + "/api/incidents");
        out.println();
        out.println(" Ctrl-C stops everything; data is kept for the next start.");
        out.println(rule);
        out.println();
    }

    private static String databaseOf(LocalStack stack, boolean command) {
        var context = command ? stack.commandContext() : stack.queryContext();
        var environment = context.getEnvironment();
        return environment.getProperty("spring.datasource.url", "?")
                + " (user " + environment.getProperty("spring.datasource.username", "?") + ")";
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = String.valueOf(e.getMessage());
        if (cause != e && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + " (cause: " + cause.getMessage() + ")";
        }
        return message;
    }

    static void usage(PrintStream out) {
        out.println("Usage: java -jar incident-launcher/target/incident-launcher.jar [--demo] [--key=value ...]");
        out.println();
        out.println("Starts a Kafka broker in this process and both Incident Tracker services against local PostgreSQL.");
        out.println();
        out.println("  --demo          after start-up, load a short demo story through the command API");
        out.println("  --brokers=N     run a Kafka cluster of N nodes, each a process of its own, ports from the");
        out.println("                  Kafka port on (3: three replicas, two in sync per write); 1 by default");
        out.println("  --help          show this text");
        out.println("  --key=value     any other Spring property, passed to both services");
        out.println();
        out.println("Environment:");
        out.println("  INCIDENT_TRACKER_DATA_DIR               where the broker keeps its data (./.local-data)");
        out.println("  INCIDENT_TRACKER_KAFKA_PORT             broker port (9092)");
        out.println("  INCIDENT_TRACKER_KAFKA_CONTROLLER_PORT  controller port (9093)");
        out.println("  INCIDENT_COMMAND_PORT, INCIDENT_QUERY_PORT                 HTTP ports (8081, 8082)");
        out.println("  INCIDENT_COMMAND_DB_URL, _DB_USER, _DB_PASSWORD            command database");
        out.println("      (jdbc:postgresql://localhost:5432/incident_command, postgres, empty)");
        out.println("  INCIDENT_QUERY_DB_URL, _DB_USER, _DB_PASSWORD              query database");
        out.println("      (jdbc:postgresql://localhost:5432/incident_query, postgres, empty)");
    }

    /** The launcher's own options; everything else is for the services. */
    static final class Options {
        boolean demo;
        boolean help;
        int brokers = 1;
        final List<String> serviceArguments = new ArrayList<>();

        static Options parse(String[] args) {
            Options options = new Options();
            for (String arg : args) {
                switch (arg) {
                    case "--demo" -> options.demo = true;
                    case "--help", "-h" -> options.help = true;
                    default -> {
                        if (arg.startsWith("--brokers=")) {
                            options.brokers = brokers(arg.substring("--brokers=".length()));
                            continue;
                        }
                        if (!arg.startsWith("--") || !arg.contains("=")) {
                            throw new IllegalArgumentException("unknown argument: " + arg);
                        }
                        options.serviceArguments.add(arg);
                    }
                }
            }
            return options;
        }

        private static int brokers(String value) {
            try {
                int count = Integer.parseInt(value.trim());
                if (count >= 1 && count <= 9) {
                    return count;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--brokers must be a number from 1 to 9, not '" + value + "'");
        }
    }
}
