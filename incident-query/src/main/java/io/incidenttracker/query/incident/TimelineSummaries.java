package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.SystemIsolated;

/** One readable sentence per event, for the timeline. */
final class TimelineSummaries {

    private TimelineSummaries() {
    }

    static String summarize(IncidentEvent event) {
        if (event instanceof IncidentOpened e) {
            return "Incident opened: " + e.title() + " (" + e.severity() + ")";
        } else if (event instanceof AttackDetected e) {
            StringBuilder text = new StringBuilder("Attack wave ").append(e.wave()).append(" detected: ")
                    .append(e.attackType());
            if (e.severity() != null) {
                text.append(" (").append(e.severity()).append(')');
            }
            if (!e.affectedSystems().isEmpty()) {
                text.append(" affecting ").append(String.join(", ", e.affectedSystems()));
            }
            return text.toString();
        } else if (event instanceof SystemIsolated e) {
            return withDetail("System " + e.systemId() + " isolated", e.reason());
        } else if (event instanceof ServiceDisruptionReported e) {
            return withDetail("Service " + e.serviceId() + " " + e.impact(), e.description());
        } else if (event instanceof ServiceRestored e) {
            return withDetail("Service " + e.serviceId() + " restored", e.note());
        }
        throw new IllegalArgumentException("Unknown event " + event.getClass());
    }

    /** The record's simple class name, for example {@code AttackDetected}. */
    static String typeOf(IncidentEvent event) {
        return event.getClass().getSimpleName();
    }

    private static String withDetail(String text, String detail) {
        return detail == null || detail.isBlank() ? text : text + ": " + detail;
    }
}
