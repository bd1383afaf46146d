package io.incidenttracker.query.webhook;

import io.incidenttracker.events.incident.IncidentEvent;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The event type names a subscription chooses from: CloudEvents types without their revision suffix, so that a new
 * revision of an event keeps reaching its subscribers.
 */
public final class WebhookEventTypes {

    /** Every event type. */
    public static final String ALL = "*";

    /** What is worth a webhook when a subscription names no events: what needs a person. */
    public static final List<String> DEFAULT = List.of(
            "io.incidenttracker.incident.obligation-warning-raised",
            "io.incidenttracker.incident.obligation-deadline-missed",
            "io.incidenttracker.incident.incident-opened",
            "io.incidenttracker.incident.severity-changed",
            "io.incidenttracker.incident.service-disruption-reported",
            "io.incidenttracker.incident.service-restored",
            "io.incidenttracker.incident.incident-closed");

    /** Every published type name, without revision. */
    public static final Set<String> KNOWN;

    static {
        Set<String> known = new LinkedHashSet<>();
        IncidentEvent.CATALOG.types().keySet().forEach(type -> known.add(withoutRevision(type)));
        KNOWN = Set.copyOf(known);
    }

    private WebhookEventTypes() {
    }

    /** {@code io.incidenttracker.incident.attack-detected.v1} becomes {@code io.incidenttracker.incident.attack-detected}. */
    public static String withoutRevision(String cloudEventType) {
        return cloudEventType.replaceFirst("\\.v\\d+$", "");
    }

    /** Whether a subscription to these names receives an event of this CloudEvents type. */
    public static boolean matches(List<String> subscribed, String cloudEventType) {
        return subscribed.contains(ALL) || subscribed.contains(withoutRevision(cloudEventType));
    }
}
