package io.incidenttracker.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything as indented JSON: the rows with unformatted figures, and the details (every run, loads, settings). */
final class JsonReport implements ReportFormat {

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .findAndRegisterModules();

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public String render(Results results) throws JsonProcessingException {
        Map<String, Object> json = new LinkedHashMap<>();
        List<Map<String, Object>> rowMaps = new ArrayList<>();
        for (Row row : results.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("measure", row.measure());
            m.put("value", row.value());
            m.put("unit", row.unit());
            m.put("anchor", row.anchorName());
            m.put("anchorValue", row.anchor());
            m.put("ratio", row.ratio());
            m.put("target", row.target());
            m.put("met", row.met());
            rowMaps.add(m);
        }
        json.put("rows", rowMaps);
        json.put("details", results.details());
        return mapper.writeValueAsString(json);
    }
}
