package io.incidenttracker.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BrokerClusterOutputTest {

    @Test
    void aNodesEndKeepsItsFirstErrorAboveALongStackTrace() {
        List<String> lines = new ArrayList<>();
        lines.add("15:51:26.231 INFO  kafka.log.LogCleaner - Starting the log cleaner");
        lines.add("15:51:26.284 ERROR o.a.k.s.f.ProcessTerminatingFaultHandler - Encountered fatal fault: "
                  + "Error starting LogManager");
        lines.add("java.lang.OutOfMemoryError: Java heap space");
        for (int i = 0; i < 40; i++) {
            lines.add("\tat frame" + i + "(Source.java:" + i + ")");
        }
        String shown = BrokerCluster.endOfOutput(String.join("\n", lines));

        assertThat(shown.lines().toList())
                .startsWith(lines.get(1), lines.get(2), "...")
                .endsWith(lines.subList(lines.size() - 15, lines.size()).toArray(String[]::new))
                .hasSize(18)
                .doesNotContain(lines.get(0));
    }

    @Test
    void aShortOutputIsShownWhole() {
        String output = "line one\n12:00:00.000 ERROR x - failed\nline three";

        assertThat(BrokerCluster.endOfOutput(output)).isEqualTo(String.join(System.lineSeparator(),
                "line one", "12:00:00.000 ERROR x - failed", "line three"));
        assertThat(BrokerCluster.endOfOutput("")).isEmpty();
    }
}
