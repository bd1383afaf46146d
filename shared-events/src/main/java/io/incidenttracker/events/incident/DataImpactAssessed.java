package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A revision of the judgement on what happened to data; each revision is a new event, numbered from 1, and the
 * latest one is the current judgement. {@code personalData}, {@code exfiltration} and {@code encryption} say how
 * certain each is; {@code dataCategories} are caller-chosen slugs such as {@code health-data};
 * {@code estimatedPeople} is the estimated number of people whose data is affected, null if unknown.
 * {@code occurredAt} is the time the judgement refers to ("according to knowledge at ...").
 */
@EventType("data-impact-assessed")
@Revision("1")
public record DataImpactAssessed(
        UUID incidentId,
        int revision,
        Certainty personalData,
        List<String> dataCategories,
        Long estimatedPeople,
        Certainty exfiltration,
        Certainty encryption,
        String rationale,
        Instant occurredAt
) implements IncidentEvent {

    public DataImpactAssessed {
        dataCategories = dataCategories == null ? List.of() : List.copyOf(dataCategories);
    }
}
