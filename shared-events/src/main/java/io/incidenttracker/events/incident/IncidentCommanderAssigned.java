package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/**
 * A principal now leads the response. {@code commanderId} is a principal id (a login name or a directory id, never
 * a name or an e-mail address): no personal data in events. {@code occurredAt} is when the role was handed over.
 */
@EventType("incident-commander-assigned")
@Revision("1")
public record IncidentCommanderAssigned(
        UUID incidentId,
        String commanderId,
        Instant occurredAt
) implements IncidentEvent {
}
