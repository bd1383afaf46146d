package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void findsTheJitCompilerThreadsOfARunningJvm() {
        Map<Long, Double> threads = new HashMap<>();

        CpuTime.ofCompilerThreads(ProcessHandle.current().pid(), threads);

        // HotSpot runs at least one C1 and one C2 compiler thread; the test JVM has compiled code by now
        assertThat(threads).isNotEmpty();
        assertThat(threads.values()).allMatch(millis -> millis >= 0);
        assertThat(threads.values().stream().mapToDouble(Double::doubleValue).sum()).isPositive();
    }

    @Test
    void countsEachThreadsIncreaseAndNewThreadsWholeButNoEndedThreadAsNegative() {
        Map<Long, Double> before = Map.of(1L, 100.0, 2L, 500.0);
        // thread 2 ended in between, thread 3 started
        Map<Long, Double> now = Map.of(1L, 130.0, 3L, 20.0);

        assertThat(CpuTime.spentSince(before, now)).isEqualTo(50.0);
    }
}
