package io.incidenttracker.events;

/**
 * How events travel on Kafka: binary-mode CloudEvents 1.0, key = the aggregate id, one record per event.
 * These names are part of the published contract; consumers rely on them.
 */
public final class CloudEventsContract {

    /** The topic that carries every incident event, kept forever. */
    public static final String DEFAULT_TOPIC = "incident-events";

    /** CloudEvents {@code datacontenttype} of every record. */
    public static final String DATA_CONTENT_TYPE = "application/json";

    /**
     * Extension: the event's sequence number within its aggregate, starting at 0, as decimal zero-padded to
     * {@link #SEQUENCE_DIGITS} digits so that it orders as a string too (the CloudEvents sequence extension compares
     * values as strings). Readers accept the unpadded form of earlier records as well: {@link #parseSequence}.
     */
    public static final String EXT_SEQUENCE = "sequence";
    /** Digits of the {@code sequence} extension: enough for every non-negative {@code long}. */
    public static final int SEQUENCE_DIGITS = 19;
    /**
     * Extension: the W3C trace context of the request that caused the event (CloudEvents distributed tracing
     * extension), {@code 00-<trace-id>-<parent-id>-<flags>}; absent on events recorded before it was carried.
     */
    public static final String EXT_TRACEPARENT = "traceparent";
    /** Extension: the authenticated principal whose command caused the event. */
    public static final String EXT_ACTOR = "actor";
    /** Extension: the correlation id of the request that caused the event. */
    public static final String EXT_CORRELATION_ID = "correlationid";
    /** Extension: when the event was recorded in the event store (ISO-8601, UTC). {@code time} is when it happened. */
    public static final String EXT_RECORDED_AT = "recordedat";
    /** Extension: the aggregate type, for example {@code incident}. */
    public static final String EXT_AGGREGATE_TYPE = "aggregatetype";

    private CloudEventsContract() {
    }

    /** The {@code sequence} extension's value for a sequence number: zero-padded decimal. */
    public static String formatSequence(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("negative sequence " + sequence);
        }
        String digits = Long.toString(sequence);
        return "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
    }

    /**
     * A {@code sequence} extension's value, zero-padded or not; throws {@link IllegalArgumentException} unless it is
     * 1 to {@link #SEQUENCE_DIGITS} ASCII digits.
     */
    public static long parseSequence(String value) {
        if (value == null || value.isEmpty() || value.length() > SEQUENCE_DIGITS
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("the sequence is not 1 to " + SEQUENCE_DIGITS + " decimal digits: "
                    + value);
        }
        return Long.parseLong(value);
    }
}
