package io.incidenttracker.query.incident;

import io.swagger.v3.oas.annotations.media.Schema;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A preset dictionary for deflating the stored views kept in memory ({@link StoredViewCache}): an incident detail's
 * JSON as it is written, with empty texts, zeros, a fixed instant, {@code null} where the field may be absent, and
 * each list's entries repeated with each value of their enumerations, derived from the records of
 * {@link IncidentViews.IncidentDetail} so that it follows the detail's shape as fields are added.
 * <p>
 * A detail repeats its names in every entry of its lists, and deflating finds those repeats within the document
 * anyway; what it cannot find there is each name's first occurrence and each value's, a large part of a body of a few
 * kilobytes. Deflate refers back at most 32 KB, and the closer the shorter, so the lists' entries, which repeat most,
 * come as late as the detail's own order allows.
 */
final class DetailVocabulary {

    /** Entries written for a list, at most: one per value of the entries' enumeration with the most values. */
    private static final int MOST_ENTRIES = 4;
    private static final String INSTANT = "\"" + Instant.parse("2026-01-01T00:00:00Z") + "\"";
    private static final byte[] DICTIONARY = build(IncidentViews.IncidentDetail.class);

    private DetailVocabulary() {
    }

    /** The dictionary, shared: not to be changed. */
    static byte[] dictionary() {
        return DICTIONARY;
    }

    private static byte[] build(Class<? extends Record> type) {
        StringBuilder json = new StringBuilder();
        write(type, 0, json, 0);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A record as JSON; {@code variant} chooses each enumeration's value (the variant-th, cycling). */
    private static void write(Class<?> type, int variant, StringBuilder out, int depth) {
        if (depth > 8) {
            out.append("null");
            return;
        }
        out.append('{');
        RecordComponent[] components = type.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            out.append(i == 0 ? "" : ",").append('"').append(component.getName()).append("\":");
            Schema schema = component.getAccessor().getAnnotation(Schema.class);
            if (schema != null && schema.nullable() && !component.getType().isEnum()) {
                out.append("null");
            } else {
                value(component.getType(), component.getGenericType(), variant, out, depth);
            }
        }
        out.append('}');
    }

    private static void value(Class<?> type, Type generic, int variant, StringBuilder out, int depth) {
        if (type.isRecord()) {
            write(type, variant, out, depth + 1);
        } else if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            out.append('"').append(((Enum<?>) constants[variant % constants.length]).name()).append('"');
        } else if (Iterable.class.isAssignableFrom(type)) {
            out.append('[');
            if (generic instanceof ParameterizedType parameterized
                    && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
                int entries = element.isRecord() ? entries(element) : 1;
                for (int entry = 0; entry < entries; entry++) {
                    out.append(entry == 0 ? "" : ",");
                    value(element, element, entry, out, depth);
                }
            }
            out.append(']');
        } else if (type == boolean.class || type == Boolean.class) {
            out.append("false");
        } else if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            out.append('0');
        } else if (type == Instant.class) {
            out.append(INSTANT);
        } else {
            out.append("\"\"");
        }
    }

    /** As many entries as the record's enumeration with the most values has values, within {@link #MOST_ENTRIES}. */
    private static int entries(Class<?> type) {
        int entries = 1;
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getType().isEnum()) {
                entries = Math.max(entries, component.getType().getEnumConstants().length);
            }
        }
        return Math.min(entries, MOST_ENTRIES);
    }
}
