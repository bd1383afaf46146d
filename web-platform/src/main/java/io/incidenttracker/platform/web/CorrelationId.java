package io.incidenttracker.platform.web;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The correlation id that ties a request to what it caused (the events a command records, the log lines of a
 * failure): the caller's {@code X-Correlation-Id} when it is well-formed, otherwise a new one.
 */
public final class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    private static final Pattern WELL_FORMED = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");

    private CorrelationId() {
    }

    /** The caller's correlation id if it is well-formed, otherwise a new one. */
    public static String of(String header) {
        return header != null && WELL_FORMED.matcher(header).matches() ? header : UUID.randomUUID().toString();
    }
}
