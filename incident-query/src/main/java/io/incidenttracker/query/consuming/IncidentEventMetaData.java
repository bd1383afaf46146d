package io.incidenttracker.query.consuming;

/** Metadata keys that the converter puts on every incident event message. */
public final class IncidentEventMetaData {

    /** The authenticated principal whose command caused the event. */
    public static final String ACTOR = "actor";
    /** Correlation id of the request that caused the event; may be absent. */
    public static final String CORRELATION_ID = "correlationId";
    /** W3C trace context of the request that caused the event (CloudEvents {@code traceparent}); may be absent. */
    public static final String TRACEPARENT = "traceparent";
    /** When the event was recorded in the event store, ISO-8601. Also the message timestamp. */
    public static final String RECORDED_AT = "recordedAt";
    /** The CloudEvents source of the record. */
    public static final String SOURCE = "source";
    /** The CloudEvents type of the record, e.g. {@code io.incidenttracker.incident.attack-detected.v1}. */
    public static final String CLOUD_EVENT_TYPE = "cloudEventType";
    /** The record's data exactly as published: the event's JSON (UTF-8 text). */
    public static final String DATA = "data";

    /** Aggregate type of incident events, as in the CloudEvents extension {@code aggregatetype}. */
    public static final String AGGREGATE_TYPE = "incident";

    private IncidentEventMetaData() {
    }
}
