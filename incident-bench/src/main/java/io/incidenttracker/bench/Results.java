package io.incidenttracker.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run measured: the rows of the table, in the order they were measured, and the details (every run, its
 * load average, the settings) that only the JSON file carries, in the order they were recorded.
 */
final class Results {

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();

    void add(Row row) {
        rows.add(row);
    }

    void detail(String key, Object value) {
        details.put(key, value);
    }

    Object detail(String key) {
        return details.get(key);
    }

    List<Row> rows() {
        return rows;
    }

    Map<String, Object> details() {
        return details;
    }
}
