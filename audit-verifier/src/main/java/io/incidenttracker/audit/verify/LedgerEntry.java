package io.incidenttracker.audit.verify;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the audit ledger, with exactly the fields {@code GET /api/audit/entries} returns apart from
 * {@code leafHash}. Its leaf bytes are the RFC 8785 canonical JSON of those fields; its leaf hash is
 * SHA-256(0x00 || leaf bytes).
 *
 * @param payload the event's JSON as a parsed value (see {@link Json})
 */
public record LedgerEntry(long index, String eventId, String incidentId, long sequence, String type,
                          String occurredAt, String recordedAt, String actor, String correlationId, Object payload) {

    public static final String INDEX = "index";
    public static final String EVENT_ID = "eventId";
    public static final String INCIDENT_ID = "incidentId";
    public static final String SEQUENCE = "sequence";
    public static final String TYPE = "type";
    public static final String OCCURRED_AT = "occurredAt";
    public static final String RECORDED_AT = "recordedAt";
    public static final String ACTOR = "actor";
    public static final String CORRELATION_ID = "correlationId";
    public static final String PAYLOAD = "payload";
    public static final String LEAF_HASH = "leafHash";

    public Map<String, Object> toJson() {
        Map<String, Object> json = new HashMap<>(16);
        json.put(INDEX, index);
        json.put(EVENT_ID, eventId);
        json.put(INCIDENT_ID, incidentId);
        json.put(SEQUENCE, sequence);
        json.put(TYPE, type);
        json.put(OCCURRED_AT, occurredAt);
        json.put(RECORDED_AT, recordedAt);
        json.put(ACTOR, actor);
        json.put(CORRELATION_ID, correlationId);
        json.put(PAYLOAD, payload);
        return json;
    }

    /** RFC 8785 form of {@link #toJson()}, written directly: the member names in their canonical order. */
    public byte[] leafBytes() {
        StringBuilder out = new StringBuilder(512);
        out.append("{\"actor\":");
        Jcs.write(actor, out);
        out.append(",\"correlationId\":");
        Jcs.write(correlationId, out);
        out.append(",\"eventId\":");
        Jcs.write(eventId, out);
        out.append(",\"incidentId\":");
        Jcs.write(incidentId, out);
        out.append(",\"index\":").append(Jcs.number(index));
        out.append(",\"occurredAt\":");
        Jcs.write(occurredAt, out);
        out.append(",\"payload\":");
        Jcs.write(payload, out);
        out.append(",\"recordedAt\":");
        Jcs.write(recordedAt, out);
        out.append(",\"sequence\":").append(Jcs.number(sequence));
        out.append(",\"type\":");
        Jcs.write(type, out);
        out.append('}');
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public byte[] leafHash() {
        return Merkle.leafHash(leafBytes());
    }

    /**
     * Reads an entry as the API returns it. Every field must be present with the right JSON type; a
     * {@code leafHash} member is allowed and ignored here, any other extra member is refused (it would be
     * outside the hash).
     */
    public static LedgerEntry fromJson(Map<String, Object> json) {
        for (String name : json.keySet()) {
            if (!isField(name)) {
                throw new IllegalArgumentException("unexpected field " + name);
            }
        }
        return new LedgerEntry(
                integer(json, INDEX), string(json, EVENT_ID, false), string(json, INCIDENT_ID, false),
                integer(json, SEQUENCE), string(json, TYPE, false), string(json, OCCURRED_AT, false),
                string(json, RECORDED_AT, false), string(json, ACTOR, false), string(json, CORRELATION_ID, true),
                requirePresent(json, PAYLOAD));
    }

    private static boolean isField(String name) {
        return switch (name) {
            case INDEX, EVENT_ID, INCIDENT_ID, SEQUENCE, TYPE, OCCURRED_AT, RECORDED_AT, ACTOR, CORRELATION_ID,
                 PAYLOAD, LEAF_HASH -> true;
            default -> false;
        };
    }

    private static Object requirePresent(Map<String, Object> json, String name) {
        if (!json.containsKey(name)) {
            throw new IllegalArgumentException("missing field " + name);
        }
        return json.get(name);
    }

    private static long integer(Map<String, Object> json, String name) {
        Object value = requirePresent(json, name);
        if (!(value instanceof Long number) || number < 0) {
            throw new IllegalArgumentException(name + " must be a non-negative integer");
        }
        return number;
    }

    private static String string(Map<String, Object> json, String name, boolean nullable) {
        Object value = requirePresent(json, name);
        if (value == null && nullable) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(name + " must be a string");
        }
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LedgerEntry that && index == that.index && sequence == that.sequence
                && Objects.equals(eventId, that.eventId) && Objects.equals(incidentId, that.incidentId)
                && Objects.equals(type, that.type) && Objects.equals(occurredAt, that.occurredAt)
                && Objects.equals(recordedAt, that.recordedAt) && Objects.equals(actor, that.actor)
                && Objects.equals(correlationId, that.correlationId)
                && Jcs.canonicalString(payload).equals(Jcs.canonicalString(that.payload));
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, eventId, incidentId, sequence);
    }
}
