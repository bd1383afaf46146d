package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A wave of attack was detected on an incident. {@code wave} counts from 1. {@code severity} is the severity of this
 * wave as assessed at detection, or null if the caller did not assess it. {@code affectedSystems} are system ids
 * (slugs) known to be affected; {@code techniques} are MITRE ATT&amp;CK technique ids. {@code occurredAt} is the
 * detection time.
 */
@EventType("attack-detected")
@Revision("1")
public record AttackDetected(
        UUID incidentId,
        int wave,
        AttackType attackType,
        Severity severity,
        String description,
        List<String> affectedSystems,
        List<String> techniques,
        Instant occurredAt
) implements IncidentEvent {

    public AttackDetected {
        affectedSystems = affectedSystems == null ? List.of() : List.copyOf(affectedSystems);
        techniques = techniques == null ? List.of() : List.copyOf(techniques);
    }
}
