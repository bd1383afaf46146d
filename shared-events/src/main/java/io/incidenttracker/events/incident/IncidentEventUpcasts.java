package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventCatalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How an older revision of a published event becomes the next one, defined once for every reader: the command
 * service's event store (events stored before the revision) and the query service's consumer (records published
 * before it). Each step works on the event's JSON object as a map of its members, so that the contract stays free of
 * any JSON library. Readers apply steps until the revision is the current one.
 */
public final class IncidentEventUpcasts {

    /** The aggregate name in the published types, as in {@link IncidentEvent#CATALOG}. */
    private static final String AGGREGATE = "incident";

    /** One step from a revision of an event type to the next. */
    public record Step(String eventType, String fromRevision, String toRevision,
                       UnaryOperator<Map<String, Object>> upcast) {

        /** The CloudEvents type this step reads, for example {@code io.incidenttracker.incident.system-isolated.v1}. */
        public String fromType() {
            return EventCatalog.TYPE_PREFIX + AGGREGATE + "." + eventType + ".v" + fromRevision;
        }

        /** The CloudEvents type this step produces. */
        public String toType() {
            return EventCatalog.TYPE_PREFIX + AGGREGATE + "." + eventType + ".v" + toRevision;
        }

        /** The upcast members, the given ones left untouched. */
        public Map<String, Object> apply(Map<String, Object> members) {
            return upcast.apply(new LinkedHashMap<>(members));
        }
    }

    /** Every step, oldest first. */
    public static final List<Step> STEPS = List.of(
            new Step("system-isolated", "1", "2", IncidentEventUpcasts::isolationMethodUnrecorded),
            new Step("status-update-published", "1", "2", IncidentEventUpcasts::publicFieldsNotGiven));

    private IncidentEventUpcasts() {
    }

    /** The step that reads this revision of this event type (its {@code @EventType} name), if it is an old one. */
    public static Optional<Step> from(String eventType, String revision) {
        return STEPS.stream()
                .filter(step -> step.eventType().equals(eventType) && step.fromRevision().equals(revision))
                .findFirst();
    }

    /** The step that reads this published CloudEvents type, if it is an old revision. */
    public static Optional<Step> fromType(String type) {
        return STEPS.stream().filter(step -> step.fromType().equals(type)).findFirst();
    }

    /** system-isolated 1 to 2: revision 1 did not record how the system was cut off. */
    private static Map<String, Object> isolationMethodUnrecorded(Map<String, Object> members) {
        members.putIfAbsent("method", IsolationMethod.UNRECORDED.name());
        return members;
    }

    /**
     * status-update-published 1 to 2: revision 1 had no headline, public status or impact; an update published before
     * them gave none of the three.
     */
    private static Map<String, Object> publicFieldsNotGiven(Map<String, Object> members) {
        members.putIfAbsent("headline", null);
        members.putIfAbsent("status", null);
        members.putIfAbsent("impact", null);
        return members;
    }
}
