package io.incidenttracker.bench;

import static io.incidenttracker.bench.Figures.fmt;

import java.util.Locale;

/** The table as printed at the end of a run: measure, figure, unit, anchor, anchor's figure, ratio, target, met?. */
final class TextTable implements ReportFormat {

    private static final String FORMAT = "%-52s %12s %-10s %-28s %10s %7s %-30s %s%n";

    @Override
    public String extension() {
        return "txt";
    }

    @Override
    public String render(Results results) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, FORMAT, "measure", "figure", "unit", "anchor", "anchor", "ratio",
                "target", "met?"));
        for (Row row : results.rows()) {
            Double ratio = row.ratio();
            table.append(String.format(Locale.ROOT, FORMAT, row.measure(), fmt(row.value()), row.unit(),
                    row.anchorName() == null ? "" : row.anchorName(), row.anchor() == null ? "" : fmt(row.anchor()),
                    ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio), row.target(),
                    row.met() == null ? "" : row.met() ? "yes" : "NO"));
        }
        return table.toString();
    }
}
