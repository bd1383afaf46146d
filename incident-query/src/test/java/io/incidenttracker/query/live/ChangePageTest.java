package io.incidenttracker.query.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

class ChangePageTest {

    private static final UUID INCIDENT = UUID.fromString("0b6f1f8e-3c1a-4c55-9a43-7f7f4a8c0a01");
    private static final UUID OTHER = UUID.fromString("0b6f1f8e-3c1a-4c55-9a43-7f7f4a8c0a02");

    private final LoggedChange first = new LoggedChange(7, "incident", INCIDENT, "{\"title\":\"Ransomware \u00e0 Z\u00fcrich\"}");
    private final LoggedChange second = new LoggedChange(8, "service", null, "{\"serviceId\":\"telephony\"}");
    private final LoggedChange third = new LoggedChange(9, "incident", OTHER, "{\"line\":\"one\ntwo\"}");
    private final ChangePage page = new ChangePage(List.of(first, second, third));

    @Test
    void aPageIsItsFramesOneAfterTheOtherInUtf8() {
        assertThat(new String(page.encoded(), StandardCharsets.UTF_8))
                .isEqualTo(first.frame() + second.frame() + third.frame());
        assertThat(page.encoded()).contains("Z\u00fcrich".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPageSentWholeByManyStreamsIsEncodedOnce() {
        assertThat(page.encoded()).isSameAs(page.encoded());
        assertThat(page.after(6)).isSameAs(page);
        assertThat(page.filter(change -> true)).isSameAs(page);
    }

    @Test
    void whatAStreamHasSentAlreadyIsLeftOut() {
        ChangePage unsent = page.after(7);

        assertThat(unsent.changes()).containsExactly(second, third);
        assertThat(unsent.lastId()).isEqualTo(9);
        assertThat(new String(unsent.encoded(), StandardCharsets.UTF_8)).isEqualTo(second.frame() + third.frame());
        assertThat(page.after(9).isEmpty()).isTrue();
    }

    @Test
    void aStreamOfOneIncidentGetsOnlyItsChanges() {
        ChangePage mine = page.filter(change -> INCIDENT.equals(change.incidentId()));

        assertThat(mine.changes()).containsExactly(first);
        assertThat(new String(mine.encoded(), StandardCharsets.UTF_8)).isEqualTo(first.frame());
        assertThat(page.filter(change -> false).isEmpty()).isTrue();
    }
}
