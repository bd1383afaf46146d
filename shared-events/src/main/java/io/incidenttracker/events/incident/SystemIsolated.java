package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A system was cut off to contain the attack. {@code occurredAt} is when it was isolated.
 * <p>
 * Revision 2 adds {@code method}, always present: how the system was cut off, which decides what forensics can still
 * find on it. Revision 1 did not record it; {@link IncidentEventUpcasts} reads a revision-1 event as
 * {@link IsolationMethod#UNRECORDED}, never as a guess.
 */
@EventType("system-isolated")
@Revision("2")
public record SystemIsolated(
        UUID incidentId,
        String systemId,
        String reason,
        IsolationMethod method,
        Instant occurredAt
) implements IncidentEvent {
}
