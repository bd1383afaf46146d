package io.incidenttracker.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a service's CPU went, from the execution samples of a flight recording (the harness writes one per service
 * with {@code BENCH_PROFILE=true}): the share of samples per thread group, per part of the stack (Tomcat, Spring
 * Security, Jackson, Axon, the JDBC driver...) and per method, each both "self" (the sample's top frame is there) and
 * "total" (the part or method is anywhere on the sample's stack). Multiplied by the measured CPU per command, a share
 * says how many milliseconds of a command it costs.
 * <p>
 * {@code java -cp incident-bench/target/incident-bench.jar io.incidenttracker.bench.JfrProfile <file.jfr> [top]
 * [thread-prefix]}
 */
public final class JfrProfile {

    /** Parts of the stack by package prefix; the first match wins, so narrower prefixes come first. */
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("io.incidenttracker.", "the service's own code");
        PARTS.put("org.apache.catalina.", "Tomcat");
        PARTS.put("org.apache.coyote.", "Tomcat");
        PARTS.put("org.apache.tomcat.", "Tomcat");
        PARTS.put("org.springframework.security.", "Spring Security");
        PARTS.put("org.springframework.web.", "Spring MVC");
        PARTS.put("org.springframework.http.", "Spring MVC");
        PARTS.put("org.springframework.validation.", "validation");
        PARTS.put("org.hibernate.validator.", "validation");
        PARTS.put("jakarta.validation.", "validation");
        PARTS.put("org.springframework.jdbc.", "Spring JDBC and transactions");
        PARTS.put("org.springframework.transaction.", "Spring JDBC and transactions");
        PARTS.put("org.springframework.", "Spring (other)");
        PARTS.put("io.micrometer.", "Micrometer");
        PARTS.put("com.fasterxml.jackson.", "Jackson");
        PARTS.put("org.axonframework.", "Axon");
        PARTS.put("org.postgresql.", "PostgreSQL driver");
        PARTS.put("com.zaxxer.hikari.", "Hikari");
        PARTS.put("org.apache.kafka.", "Kafka client");
        PARTS.put("kafka.", "Kafka client");
        PARTS.put("ch.qos.logback.", "logging");
        PARTS.put("org.slf4j.", "logging");
        PARTS.put("sun.nio.", "JDK I/O");
        PARTS.put("java.io.", "JDK I/O");
        PARTS.put("java.net.", "JDK I/O");
        PARTS.put("sun.security.", "JDK crypto");
        PARTS.put("java.security.", "JDK crypto");
        PARTS.put("java.util.regex.", "JDK regex");
        PARTS.put("java.lang.reflect.", "JDK reflection");
        PARTS.put("jdk.internal.reflect.", "JDK reflection");
        PARTS.put("java.lang.invoke.", "JDK reflection");
        PARTS.put("java.", "JDK (other)");
        PARTS.put("jdk.", "JDK (other)");
        PARTS.put("sun.", "JDK (other)");
    }

    /**
     * Phases of an HTTP command by a marker frame: a sample belongs to the phase of the innermost marker on its stack
     * (the first found from the top frame down), so the phases add up to all samples. Order matters only among
     * markers of one frame.
     */
    private static final Map<String, String> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put("org.axonframework.commandhandling.SimpleCommandBus.doDispatch", "the command (Axon, aggregate, event store)");
        PHASES.put("org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.read", "reading the body (Jackson)");
        PHASES.put("org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter.write", "writing the answer (Jackson)");
        PHASES.put("org.hibernate.validator.internal.engine.ValidatorImpl.", "validation");
        PHASES.put("org.springframework.security.authentication.ProviderManager.authenticate", "authentication");
        PHASES.put("org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider.authenticate", "authentication");
        PHASES.put("org.springframework.security.web.access.intercept.AuthorizationFilter.doFilter", "security chain: authorization and the filters around it");
        PHASES.put("org.springframework.security.web.header.HeaderWriterFilter.", "security chain: headers");
        PHASES.put("org.springframework.security.web.ObservationFilterChainDecorator", "security chain: an observation per filter");
        PHASES.put("org.springframework.security.web.", "security chain: other filters");
        PHASES.put("io.incidenttracker.platform.", "web platform (rate and body limits)");
        PHASES.put("io.incidenttracker.command.web.", "the command's HTTP layer (executor, headers, checks)");
        PHASES.put("io.incidenttracker.command.incident.", "the controller");
        PHASES.put("org.springframework.web.servlet.handler.HandlerMappingIntrospector", "Spring MVC: handler lookup for the security chain");
        PHASES.put("org.springframework.web.filter.ServerHttpObservationFilter", "the request's observation (http.server.requests)");
        PHASES.put("org.springframework.web.", "Spring MVC: dispatch, handler lookup, arguments, answer");
        PHASES.put("org.apache.", "Tomcat: socket, HTTP parsing, filters");
    }

    private JfrProfile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrProfile <file.jfr> [top methods, default 30] [thread name prefix]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String threadPrefix = args.length > 2 ? args[2] : "";
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> partSelf = new HashMap<>();
        Map<String, Integer> partTotal = new HashMap<>();
        Map<String, Integer> methodSelf = new HashMap<>();
        Map<String, Integer> methodTotal = new HashMap<>();
        Map<String, Integer> phases = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                String thread = event.getThread("sampledThread") == null ? "?"
                        : String.valueOf(event.getThread("sampledThread").getJavaName());
                if (!thread.startsWith(threadPrefix)) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                threads.merge(threadGroup(thread), 1, Integer::sum);
                List<RecordedFrame> frames = stack.getFrames();
                String topMethod = method(frames.get(0));
                methodSelf.merge(topMethod, 1, Integer::sum);
                partSelf.merge(part(frames.get(0)), 1, Integer::sum);
                phases.merge(phase(frames), 1, Integer::sum);
                Set<String> seenMethods = new HashSet<>();
                Set<String> seenParts = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    if (seenMethods.add(method(frame))) {
                        methodTotal.merge(method(frame), 1, Integer::sum);
                    }
                    if (seenParts.add(part(frame))) {
                        partTotal.merge(part(frame), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%,d execution samples%s%n%n", samples,
                threadPrefix.isEmpty() ? "" : " of threads named " + threadPrefix + "*");
        print("thread group", threads, null, samples, top);
        print("phase of an HTTP request (innermost marker frame)", phases, null, samples, top);
        print("part of the stack", partSelf, partTotal, samples, top);
        print("method (by self)", methodSelf, methodTotal, samples, top);
        print("method (by total)", methodTotal, methodSelf, samples, top, true);
    }

    private static void print(String title, Map<String, Integer> self, Map<String, Integer> total, int samples,
                              int top) {
        print(title, self, total, samples, top, false);
    }

    /** A table sorted by the first map; with {@code swapped}, the first map is the total and the second the self. */
    private static void print(String title, Map<String, Integer> first, Map<String, Integer> second, int samples,
                              int top, boolean swapped) {
        List<Map.Entry<String, Integer>> rows = new ArrayList<>(first.entrySet());
        rows.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        System.out.println(second == null ? "| " + title + " | % |" : "| " + title + " | self % | total % |");
        System.out.println(second == null ? "| --- | ---: |" : "| --- | ---: | ---: |");
        for (Map.Entry<String, Integer> row : rows.subList(0, Math.min(top, rows.size()))) {
            double a = 100.0 * row.getValue() / samples;
            Double b = second == null ? null : 100.0 * second.getOrDefault(row.getKey(), 0) / samples;
            double self = swapped ? b : a;
            String total = second == null ? "" : String.format(Locale.ROOT, "%.1f", swapped ? a : b);
            System.out.printf(Locale.ROOT, second == null ? "| %s | %.1f |%n" : "| %s | %.1f | %s |%n",
                    row.getKey().replace("|", "\\|"), self, total);
        }
        System.out.println();
    }

    private static String phase(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String method = method(frame);
            for (Map.Entry<String, String> phase : PHASES.entrySet()) {
                if (method.startsWith(phase.getKey())) {
                    return phase.getValue();
                }
            }
        }
        return "other (outside a request)";
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String part(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        for (Map.Entry<String, String> part : PARTS.entrySet()) {
            if (type.startsWith(part.getKey())) {
                return part.getValue();
            }
        }
        return "other";
    }

    /** Thread names without their numbers: http-nio-8081-exec-7 and http-nio-8081-exec-9 are one group. */
    private static String threadGroup(String thread) {
        return thread.replaceAll("[0-9]+", "#");
    }
}
