package io.incidenttracker.platform.web;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TraceContextTest {

    static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void continuesTheCallersTraceWithASpanOfItsOwn() {
        TraceContext own = TraceContext.forRequest(CALLER);
        assertThat(own.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(own.parentId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
        assertThat(own.flags()).isEqualTo("01");
        assertThat(TraceContext.parse(own.header())).contains(own);
    }

    @Test
    void startsANewTraceWithoutAValidTraceparent() {
        for (String invalid : new String[] {null, "", "garbage", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"}) {
            assertThat(TraceContext.parse(invalid)).as(invalid).isEmpty();
            TraceContext fresh = TraceContext.forRequest(invalid);
            assertThat(fresh.header()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(fresh.traceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    @Test
    void findsTheIncidentIdInAPathForTheLogContext() {
        String id = "2f1b7c9e-3a4d-4e5f-8a6b-7c8d9e0f1a2b";
        assertThat(LogContextFilter.incidentIdInPath("/api/incidents/" + id)).contains(id);
        assertThat(LogContextFilter.incidentIdInPath("/api/incidents/" + id + "/systems/crm/isolation")).contains(id);
        assertThat(LogContextFilter.incidentIdInPath("/api/incidents")).isEmpty();
        assertThat(LogContextFilter.incidentIdInPath("/api/incidents/not-a-uuid-but-thirty-six-characters!")).isEmpty();
    }

    @Test
    void findsTheIncidentIdExactlyWhereTheFormerExpressionFoundIt() {
        Pattern former = Pattern.compile("^/api/incidents/([0-9a-fA-F-]{36})(?:/.*)?$");
        String id = "2F1B7C9E-3a4d-4e5f-8a6b-7c8d9e0f1a2b";
        List<String> pieces = List.of("/api/incidents/", "/api/incident/", id, id.substring(1), "-", "g", "/", "x",
                "\n", "\r", "\u0085", "\u2028", "\u2029", "\t", "------------------------------------");
        Random random = new Random(36);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder path = new StringBuilder(random.nextInt(4) == 0 ? "" : "/api/incidents/");
            for (int count = random.nextInt(4); count > 0; count--) {
                path.append(pieces.get(random.nextInt(pieces.size())));
            }
            String candidate = path.toString();
            Matcher matcher = former.matcher(candidate);
            Optional<String> expected;
            try {
                expected = matcher.matches() ? Optional.of(UUID.fromString(matcher.group(1)).toString()) : Optional.empty();
            } catch (IllegalArgumentException e) {
                expected = Optional.empty();
            }
            assertThat(LogContextFilter.incidentIdInPath(candidate)).as(candidate).isEqualTo(expected);
        }
    }

    @Test
    void newIdsAreDistinctHexOfTheirLength() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            TraceContext fresh = TraceContext.forRequest(null);
            assertThat(fresh.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
            assertThat(fresh.parentId()).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
            assertThat(seen.add(fresh.traceId())).isTrue();
            assertThat(seen.add(fresh.parentId())).isTrue();
        }
    }
}
