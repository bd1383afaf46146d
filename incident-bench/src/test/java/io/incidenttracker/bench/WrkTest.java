package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrkTest {

    static final String OUTPUT = """
            Running 10s test @ http://127.0.0.1:8082/status/summary.json
              1 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     6.21ms    3.02ms  48.11ms   81.20%
                Req/Sec    10.41k   512.33    11.20k    71.00%
              Latency Distribution
                 50%    5.73ms
                 75%    7.40ms
                 90%  850.00us
                 99%    1.02s
              103612 requests in 10.00s, 512.30MB read
              Socket errors: connect 0, read 2, write 0, timeout 1
              Non-2xx or 3xx responses: 7
            Requests/sec:  10357.90
            Transfer/sec:     51.21MB
            """;

    @Test
    void readsTheRateThePercentilesInMillisecondsAndTheErrors() throws IOException {
        Wrk.Result result = Wrk.parse(OUTPUT);

        assertThat(result.perSecond()).isEqualTo(10357.90);
        assertThat(result.p50Millis()).isEqualTo(5.73);
        assertThat(result.p90Millis()).isEqualTo(0.85);
        assertThat(result.p99Millis()).isEqualTo(1020.0);
        assertThat(result.requests()).isEqualTo(103612);
        assertThat(result.badAnswers()).isEqualTo(7);
        assertThat(result.socketErrors()).isEqualTo(3);
    }

    @Test
    void refusesOutputWithoutTheLatencyDistribution() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:8082 Connection refused"))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot read wrk's output");
    }

    @Test
    void writesAScriptThatDrawsTheFirstPathOnceInNAndTheOthersAtRandom(@TempDir Path dir) throws IOException {
        Path script = Wrk.randomGets(dir, "reads", List.of("/api/services", "/api/incidents/a", "/api/incidents/b"), 4);

        String lua = Files.readString(script);
        assertThat(script.getFileName().toString()).isEqualTo("reads.lua");
        assertThat(lua).contains("local first = \"/api/services\"", "\"/api/incidents/a\",", "\"/api/incidents/b\",",
                                 "math.random(4) == 1", "wrk.format(\"GET\", paths[math.random(n)])");
        assertThat(lua).doesNotContain("\"/api/services\",");
    }
}
