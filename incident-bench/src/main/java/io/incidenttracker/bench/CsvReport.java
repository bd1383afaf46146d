package io.incidenttracker.bench;

import static io.incidenttracker.bench.Figures.fmt;

import java.util.Locale;

/** The rows as CSV with a header line; text fields quoted, figures as the table prints them, ratios to 3 places. */
final class CsvReport implements ReportFormat {

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public String render(Results results) {
        StringBuilder csv = new StringBuilder("measure,value,unit,anchor,anchor_value,ratio,target,met\n");
        for (Row row : results.rows()) {
            csv.append(String.join(",", quote(row.measure()), fmt(row.value()), row.unit(),
                    quote(row.anchorName() == null ? "" : row.anchorName()),
                    row.anchor() == null ? "" : fmt(row.anchor()),
                    row.ratio() == null ? "" : String.format(Locale.ROOT, "%.3f", row.ratio()), quote(row.target()),
                    row.met() == null ? "" : row.met().toString())).append('\n');
        }
        return csv.toString();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
