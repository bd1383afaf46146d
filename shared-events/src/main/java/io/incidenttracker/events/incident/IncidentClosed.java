package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * The incident was closed with a post-incident summary. {@code waiverReason} is set when it was closed although a
 * service was still disrupted, a system isolated or a forensic analysis open, and says why that was accepted.
 */
@EventType("incident-closed")
@Revision("1")
public record IncidentClosed(
        UUID incidentId,
        String postIncidentSummary,
        String waiverReason,
        Instant occurredAt
) implements IncidentEvent {
}
