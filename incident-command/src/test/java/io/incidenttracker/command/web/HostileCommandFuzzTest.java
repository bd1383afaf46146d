package io.incidenttracker.command.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.command.CommandServiceApplication;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.Http;
import io.incidenttracker.testsupport.TestBroker;
import io.incidenttracker.testsupport.TestDatabase;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.lang.reflect.RecordComponent;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input against every command endpoint of a running service (real HTTP, PostgreSQL, Kafka): malformed JSON,
 * wrong types, huge and deeply nested documents, odd unicode and control characters, unknown enum values, missing
 * fields, impossible dates, unknown and server-owned fields, wrong content types. Every request must be answered
 * with a 4xx problem, never a 5xx, and append no event. The endpoints and their body shapes are read from the
 * running service, so a new command endpoint is fuzzed without changing this class.
 */
class HostileCommandFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final AtomicLong REQUESTS = new AtomicLong();
    static long started;
    static final Map<String, Long> BY_DEFECT = new TreeMap<>();

    static EmbeddedKafkaKraftBroker broker;
    static ConfigurableApplicationContext service;
    static Http http;
    static JdbcTemplate jdbc;
    static List<Endpoint> endpoints;
    static UUID incidentId;

    /** A command endpoint: its path pattern and the record its body binds to. */
    record Endpoint(String pattern, Class<?> body) {
        @Override
        public String toString() {
            return "POST " + pattern;
        }
    }

    enum Defect {
        MALFORMED_JSON, WRONG_TYPE, DEEPLY_NESTED, HUGE_FIELD, OVER_BODY_LIMIT, ODD_TEXT, UNKNOWN_ENUM, MISSING_FIELD,
        IMPOSSIBLE_DATE, SERVER_OWNED_FIELD, WRONG_CONTENT_TYPE
    }

    record Hostile(Endpoint endpoint, Defect defect, String body, String contentType) {
        @Override
        public String toString() {
            String shown = body.length() > 300 ? body.substring(0, 300) + "... (" + body.length() + " chars)" : body;
            StringBuilder printable = new StringBuilder();
            shown.chars().forEach(c -> printable.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c)
                    : String.format("\\u%04x", c)));
            return defect + " " + endpoint + " [" + contentType + "] " + printable;
        }
    }

    @BeforeContainer
    static void startService() {
        started = System.nanoTime();
        // a database of its own, so that its clean start pulls no tables from under another class's service
        String database = TestDatabase.ensure(TestDatabase.name("incident_command_test") + "_fuzz");
        broker = TestBroker.withoutTopics(1);
        service = CommandServiceApplication.builder()
                .sources(CleanDatabaseOnStart.class)
                .run("--server.port=0", "--spring.flyway.clean-disabled=false",
                        "--spring.datasource.url=" + database,
                        "--spring.datasource.username=" + TestDatabase.USER,
                        "--spring.datasource.password=" + TestDatabase.PASSWORD,
                        "--axon.kafka.bootstrap-servers=" + broker.getBrokersAsString());
        int port = service.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        http = new Http("http://localhost:" + port);
        jdbc = service.getBean(JdbcTemplate.class);
        endpoints = commandEndpoints(service.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class));
        incidentId = UUID.randomUUID();
        HttpResponse<String> opened = http.post("/api/incidents", "responder", """
                {"incidentId":"%s","title":"Fuzzing target","attackType":"INTRUSION","severity":"HIGH",
                 "detectedAt":"2023-08-30T06:15:00Z","affectedSystems":["app-booking"]}""".formatted(incidentId));
        assertThat(opened.statusCode()).isEqualTo(201);
    }

    @AfterContainer
    static void stopService() {
        System.out.printf("Hostile command fuzzing: %d requests generated over %d command endpoints in %d s "
                        + "(service start included); by defect %s%n", REQUESTS.get(),
                endpoints == null ? 0 : endpoints.size(), (System.nanoTime() - started) / 1_000_000_000L, BY_DEFECT);
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Property(seed = "20230830")
    void everyHostileCommandIsA4xxProblemAndAppendsNothing(@ForAll("hostileCommands") Hostile hostile)
            throws Exception {
        long before = eventCount();
        HttpResponse<String> response = http.postAs(path(hostile.endpoint()), "responder", hostile.body(),
                hostile.contentType());
        REQUESTS.incrementAndGet();
        synchronized (BY_DEFECT) {
            BY_DEFECT.merge(hostile.defect().name(), 1L, Long::sum);
        }
        assertThat(response.statusCode()).as(hostile.toString()).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).as(hostile.toString())
                .startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(response.statusCode());
        assertThat(problem.path("type").asText()).startsWith("urn:problem:incident-tracker:");
        assertThat(eventCount()).as("events after " + hostile).isEqualTo(before);
    }

    @Provide
    Arbitrary<Hostile> hostileCommands() {
        return Combinators.combine(Arbitraries.of(endpoints), Arbitraries.of(Defect.class),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE), oddText(), garbage())
                .as(HostileCommandFuzzTest::hostile);
    }

    /**
     * The body as sent: a lone surrogate cannot travel as UTF-8, so half of the bodies escape everything beyond
     * ASCII ({@code \uD800} reaches the service as the lone surrogate it names), the other half go raw with
     * surrogates already paired or absent.
     */
    private static String write(ObjectNode body, boolean escaped) {
        try {
            return escaped ? ESCAPING.writeValueAsString(body) : JSON.writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Hostile hostile(Endpoint endpoint, Defect defect, int pick, String odd, String garbage) {
        ObjectNode body = plausibleBody(endpoint.body());
        List<RecordComponent> fields = List.of(endpoint.body().getRecordComponents());
        RecordComponent field = fields.get(pick % fields.size());
        String json = "application/json";
        switch (defect) {
            case MALFORMED_JSON -> {
                String text = body.toString();
                String broken = pick % 2 == 0 ? text.substring(0, pick % text.length()) : garbage;
                return new Hostile(endpoint, defect, broken, json);
            }
            case WRONG_TYPE -> body.set(field.getName(), wrongType(field, pick));
            case DEEPLY_NESTED -> {
                int depth = 1_001 + pick % 5_000;
                String nested = "[".repeat(depth) + "]".repeat(depth);
                return new Hostile(endpoint, defect, pick % 2 == 0
                        ? body.toString().replaceFirst("\\{", "{\"" + field.getName() + "\":" + nested + ",")
                        : "[".repeat(depth) + body + "]".repeat(depth), json);
            }
            case HUGE_FIELD -> body.set(field.getName(), NODES.textNode("A".repeat(20_001 + pick % 40_000)));
            case OVER_BODY_LIMIT -> body.set(field.getName(), NODES.textNode("B".repeat(70_000 + pick % 200_000)));
            case ODD_TEXT -> {
                boolean escaped = pick % 2 == 0 || odd.chars().anyMatch(c -> Character.isSurrogate((char) c));
                body.set(field.getName(), field.getType() == List.class
                        ? NODES.arrayNode().add(odd) : NODES.textNode(odd));
                return new Hostile(endpoint, defect, write(body, escaped), json);
            }
            case UNKNOWN_ENUM -> {
                // without an enum field of its own, the endpoint gets the incident's (server-owned) status
                String enumField = fields.stream().filter(f -> f.getType().isEnum()).map(RecordComponent::getName)
                        .findFirst().orElse("status");
                body.put(enumField, unknownEnum(fields.stream().filter(f -> f.getName().equals(enumField))
                        .findFirst().map(RecordComponent::getType).orElse(Object.class), garbage, pick));
            }
            case MISSING_FIELD -> {
                List<RecordComponent> required = fields.stream().filter(HostileCommandFuzzTest::required).toList();
                body.remove(required.get(pick % required.size()).getName());
            }
            case IMPOSSIBLE_DATE -> {
                RecordComponent timeField = fields.stream().filter(f -> f.getType() == Instant.class)
                        .skip(pick % Math.max(1, fields.stream().filter(f -> f.getType() == Instant.class).count()))
                        .findFirst().orElseThrow();
                body.put(timeField.getName(), impossibleDate(pick));
            }
            case SERVER_OWNED_FIELD -> {
                String[] owned = {"status", "version", "actor", "recordedAt", "eventId", "correlationId",
                        "sequenceNumber", "aggregateIdentifier", garbage.isBlank() ? "x" : garbage};
                body.set(owned[pick % owned.length], pick % 3 == 0 ? NODES.numberNode(pick) : NODES.textNode("x"));
            }
            case WRONG_CONTENT_TYPE -> {
                String[] types = {"text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "application/octet-stream", null};
                return new Hostile(endpoint, defect, body.toString(), types[pick % types.length]);
            }
        }
        return new Hostile(endpoint, defect, write(body, pick % 2 == 0), json);
    }

    /** A body of the right shape with harmless values; every defect above makes it unacceptable. */
    static ObjectNode plausibleBody(Class<?> type) {
        ObjectNode body = NODES.objectNode();
        for (RecordComponent field : type.getRecordComponents()) {
            Class<?> t = field.getType();
            if (t == Instant.class) {
                body.put(field.getName(), "2023-08-30T08:00:00Z");
            } else if (t.isEnum()) {
                body.put(field.getName(), ((Enum<?>) t.getEnumConstants()[0]).name());
            } else if (t == UUID.class) {
                body.put(field.getName(), UUID.randomUUID().toString());
            } else if (t == Long.class || t == Integer.class || t == long.class || t == int.class) {
                body.put(field.getName(), 1);
            } else if (t == Boolean.class || t == boolean.class) {
                body.put(field.getName(), false);
            } else if (t == List.class) {
                body.set(field.getName(), NODES.arrayNode());
            } else {
                body.put(field.getName(), "fuzz-1");
            }
        }
        return body;
    }

    private static JsonNode wrongType(RecordComponent field, int pick) {
        if (field.getType() == List.class) {
            return pick % 2 == 0 ? NODES.objectNode().put("a", 1) : NODES.textNode("not-a-list");
        }
        // objects and arrays are never coerced into a scalar
        return pick % 2 == 0 ? NODES.objectNode().put("a", 1) : NODES.arrayNode().add(1).add("two");
    }

    private static String unknownEnum(Class<?> type, String garbage, int pick) {
        String[] unknown = {"ransomware", "CRITICAL ", "", "SEVERE", "null", garbage, "RANSOMWARE\u0000", "ΑΒΓ"};
        String value = unknown[pick % unknown.length];
        return type.isEnum() && List.of(type.getEnumConstants()).stream()
                .anyMatch(c -> ((Enum<?>) c).name().equals(value)) ? value + "_UNKNOWN" : value;
    }

    private static String impossibleDate(int pick) {
        String[] dates = {"2023-02-30T10:00:00Z", "2023-13-01T00:00:00Z", "2023-08-30T24:61:00Z",
                "2023-08-31T25:00:00Z", "2023-08-30", "30.08.2023 06:15", "2023-08-30T06:15:00", "yesterday",
                "2999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z", "-99999-01-01T00:00:00Z",
                "2023-08-30T06:15:00+25:00", "0000-00-00T00:00:00Z", "2023-W35-3T06:15:00Z", ""};
        return dates[pick % dates.length];
    }

    /** Text with at least one character that no command accepts, among arbitrary unicode (surrogates paired). */
    private static Arbitrary<String> oddText() {
        Arbitrary<String> around = Arbitraries.strings().all().ofMaxLength(40)
                .map(text -> text.replaceAll("\\p{Cs}", "\u00e9"));
        Arbitrary<Character> refused = Arbitraries.of('\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085',
                '\u009f', '\ud800', '\udfff', '\u202e', '\u2066', '\ufffe', '\uffff', '\ufdd0');
        Arbitrary<String> unusual = Arbitraries.of("\ud83d\udca5", "e\u0301", "\u200b", "\u05d0\u05d1", "\uff21",
                "\ud800", "\udc00x\ud800");
        return Combinators.combine(around, refused, unusual, around).as((a, c, u, b) -> a + u + c + b);
    }

    private static Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(200),
                Arbitraries.strings().withChars("{}[]\":,0123456789.-+eEtruefalsn \\u").ofMaxLength(200),
                Arbitraries.of("{", "}", "[]", "{\"a\":}", "{'title':'x'}", "{\"title\":\"x\",}", "null", "true",
                        "\"just a string\"", "12", "{\"title\" \"x\"}", "\uFEFF{}", "{\"a\":1}{\"b\":2}",
                        "{\"title\":\"\\ud800\"}", "{\"title\":\"\\u0000\"}", "{\"title\":NaN}",
                        "{\"title\":\"x\"/*comment*/}"));
    }

    private static boolean required(RecordComponent field) {
        // constraint annotations reach the record's accessor and field, not its component
        return field.getAccessor().isAnnotationPresent(NotNull.class)
                || field.getAccessor().isAnnotationPresent(NotBlank.class);
    }

    private static String path(Endpoint endpoint) {
        return endpoint.pattern()
                .replace("{incidentId}", incidentId.toString())
                .replaceAll("\\{wave}", "0")
                .replaceAll("\\{[^}]+}", "app-booking");
    }

    static List<Endpoint> commandEndpoints(RequestMappingHandlerMapping mapping) {
        List<Endpoint> found = new ArrayList<>();
        mapping.getHandlerMethods().forEach((RequestMappingInfo info, HandlerMethod method) -> {
            for (MethodParameter parameter : method.getMethodParameters()) {
                if (parameter.hasParameterAnnotation(RequestBody.class) && parameter.getParameterType().isRecord()) {
                    info.getPatternValues().forEach(pattern -> found.add(new Endpoint(pattern,
                            parameter.getParameterType())));
                }
            }
        });
        assertThat(found).as("command endpoints").isNotEmpty();
        return found;
    }

    private static long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }
}
