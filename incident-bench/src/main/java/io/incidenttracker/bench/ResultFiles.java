package io.incidenttracker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Prints the table and writes the results in every format to {@code bench-<label>-<time>.*} in the results folder
 * ({@code incident-bench/results/} by default; not tracked by git).
 */
final class ResultFiles {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final TextTable table = new TextTable();
    private final List<ReportFormat> formats = List.of(new JsonReport(), new CsvReport(), table);
    private final Path directory;

    ResultFiles(Path directory) {
        this.directory = directory;
    }

    void write(Results results, String label) throws IOException {
        System.out.println();
        System.out.print(table.render(results));
        Files.createDirectories(directory);
        String base = "bench-" + label + "-" + STAMP.format(Instant.now());
        for (ReportFormat format : formats) {
            Files.writeString(directory.resolve(base + "." + format.extension()), format.render(results));
        }
        System.out.println("results: " + directory.resolve(base + ".json") + " (and .csv, .txt)");
    }
}
