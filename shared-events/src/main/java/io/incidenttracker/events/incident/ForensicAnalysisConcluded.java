package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A forensic analysis ended with a conclusion. {@code occurredAt} is when it was concluded. */
@EventType("forensic-analysis-concluded")
@Revision("1")
public record ForensicAnalysisConcluded(
        UUID incidentId,
        String analysisId,
        String conclusion,
        Instant occurredAt
) implements IncidentEvent {
}
