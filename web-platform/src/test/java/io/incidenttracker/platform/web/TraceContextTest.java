package io.incidenttracker.platform.web;

import org.junit.jupiter.api.Test;

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
}
