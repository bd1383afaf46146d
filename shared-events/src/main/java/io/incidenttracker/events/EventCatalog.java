package io.incidenttracker.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the published event types to the records that carry them and back. The catalogue is built from the sealed
 * event interfaces, so that a new event record cannot be forgotten here.
 */
public final class EventCatalog {

    /** Prefix of every published event type. */
    public static final String TYPE_PREFIX = "io.incidenttracker.";

    private final Map<String, Class<?>> classesByType;
    private final Map<Class<?>, String> typesByClass;

    private EventCatalog(Map<String, Class<?>> classesByType) {
        this.classesByType = Collections.unmodifiableMap(classesByType);
        Map<Class<?>, String> reverse = new LinkedHashMap<>();
        classesByType.forEach((type, cls) -> reverse.put(cls, type));
        this.typesByClass = Collections.unmodifiableMap(reverse);
    }

    /**
     * A catalogue of the permitted records of the given sealed interfaces, each under
     * {@code io.incidenttracker.<aggregate>.<event-type>.v<revision>}.
     *
     * @param aggregate       the aggregate name used in the type, for example {@code incident}
     * @param sealedInterface the sealed interface whose records are published
     */
    public static EventCatalog of(String aggregate, Class<?> sealedInterface) {
        if (!sealedInterface.isSealed()) {
            throw new IllegalArgumentException(sealedInterface + " is not sealed");
        }
        Map<String, Class<?>> map = new LinkedHashMap<>();
        for (Class<?> permitted : sealedInterface.getPermittedSubclasses()) {
            String type = typeName(aggregate, permitted);
            if (map.put(type, permitted) != null) {
                throw new IllegalStateException("Two events share the type " + type);
            }
        }
        return new EventCatalog(map);
    }

    private static String typeName(String aggregate, Class<?> eventClass) {
        EventType eventType = eventClass.getAnnotation(EventType.class);
        Revision revision = eventClass.getAnnotation(Revision.class);
        if (eventType == null || revision == null) {
            throw new IllegalStateException(eventClass.getName() + " needs both @EventType and @Revision");
        }
        return TYPE_PREFIX + aggregate + "." + eventType.value() + ".v" + revision.value();
    }

    /** The published type of an event class, for example {@code io.incidenttracker.incident.system-isolated.v1}. */
    public String typeOf(Class<?> eventClass) {
        String type = typesByClass.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException(eventClass.getName() + " is not a published event");
        }
        return type;
    }

    /** The record that carries a published type, if the type is known. */
    public Optional<Class<?>> classOf(String type) {
        return Optional.ofNullable(classesByType.get(type));
    }

    /** Every published type, in declaration order. */
    public Map<String, Class<?>> types() {
        return classesByType;
    }

    /** The revision of an event class, as declared by its {@link Revision}. */
    public static String revisionOf(Class<?> eventClass) {
        Revision revision = eventClass.getAnnotation(Revision.class);
        return revision == null ? null : revision.value();
    }
}
