package io.incidenttracker.platform.web;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context {@code traceparent} (version 00): {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}.
 * A request that carries a valid one continues its trace: the service's own span gets a new parent id in the same
 * trace; a request without one (or with an invalid one, which the recommendation says to ignore) starts a new trace.
 *
 * @param traceId  32 lowercase hex digits, not all zero
 * @param parentId 16 lowercase hex digits, not all zero: the span of this service
 * @param flags    2 lowercase hex digits ({@code 01} = sampled)
 */
public record TraceContext(String traceId, String parentId, String flags) {

    public static final String HEADER = "traceparent";
    private static final Pattern VERSION_00 = Pattern.compile("^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");

    /** A valid version-00 traceparent, or empty (absent, malformed, or an all-zero id). */
    public static Optional<TraceContext> parse(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        Matcher matcher = VERSION_00.matcher(traceparent.strip());
        if (!matcher.matches() || allZero(matcher.group(1)) || allZero(matcher.group(2))) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(matcher.group(1), matcher.group(2), matcher.group(3)));
    }

    /** This service's span for a request whose {@code traceparent} header is given (or null). */
    public static TraceContext forRequest(String traceparent) {
        return parse(traceparent)
                .map(caller -> new TraceContext(caller.traceId, newSpanId(), caller.flags))
                .orElseGet(() -> new TraceContext(newTraceId(), newSpanId(), "01"));
    }

    /** The {@code traceparent} header value. */
    public String header() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    private static boolean allZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }

    /**
     * 32 hex digits, not all zero. This id and the span's come from the thread's own generator, as OpenTelemetry's
     * do: they must be unique, not secret, and the system's secure generator would make every request of every
     * thread take its one lock.
     */
    static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    /** 16 hex digits, not all zero. */
    static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return HexFormat.of().toHexDigits(id);
    }
}
