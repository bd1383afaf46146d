package io.incidenttracker.bench;

import java.util.List;
import java.util.Locale;

/** How figures are summarised (the median over runs) and printed (no decimals from 100 on, two below). */
final class Figures {

    private Figures() {
    }

    static String fmt(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    /** The median of the values that are numbers; NaN if none is. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().filter(v -> !Double.isNaN(v)).sorted().toList();
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
