package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A revision of the incident's regulatory classification: {@code classifications} is the complete set that holds
 * from now on (empty: none). {@code basis} says why. {@code occurredAt} is when the organisation came to this
 * judgement; a classification that is new in this revision establishes awareness at that time.
 */
@EventType("incident-classified")
@Revision("1")
public record IncidentClassified(
        UUID incidentId,
        List<Classification> classifications,
        String basis,
        Instant occurredAt
) implements IncidentEvent {

    public IncidentClassified {
        classifications = classifications == null ? List.of() : List.copyOf(classifications);
    }
}
