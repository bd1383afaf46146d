package io.incidenttracker.testsupport;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * An instance of any event record with a value in every component, for tests that must hold for every published
 * type: texts are slugs ({@code systemid-1}), so that they are valid ids where a component is one; the incident's id
 * where a component is named {@code incidentId}, other UUIDs drawn from the name; the given instant; the first
 * constant of an enum; one element in a collection; nested records filled the same way.
 */
public final class EventSamples {

    private EventSamples() {
    }

    /** A sample of the record type, of the given incident, at the given instant. */
    public static Object sample(Class<?> type, UUID incidentId, Instant at) {
        try {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = value(components[i].getName(), components[i].getGenericType(), incidentId, at);
            }
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("No sample of " + type, e);
        }
    }

    private static Object value(String name, Type genericType, UUID incidentId, Instant at) {
        Class<?> type = genericType instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) genericType;
        if (type == String.class) {
            return name.toLowerCase() + "-1";
        } else if (type == UUID.class) {
            return name.equals("incidentId") ? incidentId
                    : UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
        } else if (type == Instant.class) {
            return at;
        } else if (type == int.class || type == Integer.class) {
            return 2;
        } else if (type == long.class || type == Long.class) {
            return 3L;
        } else if (type == boolean.class || type == Boolean.class) {
            return true;
        } else if (type == Duration.class) {
            return Duration.ofHours(72);
        } else if (type == LocalDate.class) {
            return LocalDate.of(2023, 8, 30);
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (type == List.class || type == Set.class) {
            Type element = ((ParameterizedType) genericType).getActualTypeArguments()[0];
            Object one = value(name, element, incidentId, at);
            return type == List.class ? List.of(one) : Set.of(one);
        } else if (type == Map.class) {
            Map<Object, Object> map = new HashMap<>();
            Type[] arguments = ((ParameterizedType) genericType).getActualTypeArguments();
            map.put(value(name, arguments[0], incidentId, at), value(name, arguments[1], incidentId, at));
            return map;
        } else if (type.isRecord()) {
            return sample(type, incidentId, at);
        }
        throw new IllegalArgumentException("No sample value for " + genericType + " (" + name + "): add one here");
    }
}
