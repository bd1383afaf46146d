package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A finding of a forensic analysis. {@code techniques} are MITRE ATT&amp;CK technique ids; {@code indicators} are
 * indicators of compromise as opaque strings (hashes, domains, addresses), never interpreted here.
 * {@code occurredAt} is when the finding was made.
 */
@EventType("forensic-finding-recorded")
@Revision("1")
public record ForensicFindingRecorded(
        UUID incidentId,
        String analysisId,
        List<String> techniques,
        List<String> indicators,
        String text,
        Instant occurredAt
) implements IncidentEvent {

    public ForensicFindingRecorded {
        techniques = techniques == null ? List.of() : List.copyOf(techniques);
        indicators = indicators == null ? List.of() : List.copyOf(indicators);
    }
}
