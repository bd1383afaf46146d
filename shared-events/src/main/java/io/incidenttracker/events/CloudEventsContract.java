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

    /** Extension: the event's sequence number within its aggregate, decimal, starting at 0. */
    public static final String EXT_SEQUENCE = "sequence";
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
}
