package io.incidenttracker.command.web;

import io.incidenttracker.events.Identifiers;
import io.incidenttracker.platform.problem.InvalidRequest;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checks and messages the command endpoints share beyond bean validation: slugs in paths, times of one request
 * that contradict each other, and the documentation tags of the command API. A failed check answers 400.
 */
public final class RequestChecks {

    /** The OpenAPI tag of the first endpoints: opening, further attack waves, isolation, disruption, restoration. */
    public static final String INCIDENT_COMMANDS = "Incident commands";
    /** The OpenAPI tag of every further command endpoint. */
    public static final String LIFE_CYCLE_COMMANDS = "Incident life cycle commands";

    public static final String SLUG_MESSAGE = "must be a lower-case slug matching " + Identifiers.SLUG_REGEX;
    public static final String TECHNIQUE_MESSAGE = "must be a MITRE ATT&CK technique id such as T1486";
    public static final String PRINCIPAL_MESSAGE =
            "must be a principal id (letters, digits, . _ : -; no e-mail address)";

    private RequestChecks() {
    }

    public static void requireSlug(String field, String value) {
        if (!Identifiers.isSlug(value)) {
            throw new InvalidRequest(field, SLUG_MESSAGE);
        }
    }

    /** A time that must not lie after another one of the same request: 400, not 409 (it contradicts itself). */
    public static void requireNotAfter(String field, Instant value, String otherField, Instant other) {
        if (value != null && other != null && value.isAfter(other)) {
            throw new InvalidRequest(field, "must not lie after " + otherField);
        }
    }

    /** Field name, time, field name, time, ... (Map.of refuses the nulls of optional times). */
    public static Map<String, Instant> times(Object... fieldsAndTimes) {
        Map<String, Instant> times = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndTimes.length; i += 2) {
            times.put((String) fieldsAndTimes[i], (Instant) fieldsAndTimes[i + 1]);
        }
        return times;
    }
}
