package io.incidenttracker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The result files keep the formats earlier runs were written in, so that runs can be compared across versions of
 * the harness: each format rendered from the same rows equals a file written before.
 */
class ReportFormatsTest {

    private static Results results() {
        Results results = new Results();
        results.add(Row.plain("seeding: append to the event store", 12345.678, "events/s"));
        results.add(new Row("commands over HTTP, 16 clients", 812.5, "commands/s", "pgbench 1-row INSERT tps", 2500.0,
                ">= 25% of pgbench", true));
        results.add(new Row("commands over HTTP p99", 31.25, "ms", "pgbench p99", 4.5, "< 25.00 ms", false));
        results.add(new Row("a \"quoted\" measure", Double.NaN, "ms", "anchor, with comma", Double.NaN, "", null));
        results.detail("mode", "golden");
        results.detail("nested", Map.of("n", 1));
        return results;
    }

    private static String golden(String extension) throws IOException {
        try (InputStream in = ReportFormatsTest.class.getResourceAsStream("/reports/golden." + extension)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void textTableIsTheTablePrintedBefore() throws IOException {
        assertThat(new TextTable().render(results())).isEqualTo(golden("txt"));
    }

    @Test
    void csvQuotesTextAndGivesRatiosToThreePlaces() throws IOException {
        assertThat(new CsvReport().render(results())).isEqualTo(golden("csv"));
    }

    @Test
    void jsonCarriesUnformattedFiguresAndTheDetails() throws IOException {
        assertThat(new JsonReport().render(results())).isEqualTo(golden("json"));
    }

    @Test
    void resultFilesAreWrittenInEveryFormatUnderOneName(@TempDir Path directory) throws IOException {
        new ResultFiles(directory).write(results(), "quick");

        try (Stream<Path> files = Files.list(directory)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(3).allMatch(n -> n.matches("bench-quick-\\d{8}-\\d{6}\\.(csv|json|txt)"));
            assertThat(names.stream().map(n -> n.substring(0, n.lastIndexOf('.'))).distinct()).hasSize(1);
            assertThat(Files.readString(directory.resolve(names.get(2)))).isEqualTo(golden("txt"));
        }
    }
}
