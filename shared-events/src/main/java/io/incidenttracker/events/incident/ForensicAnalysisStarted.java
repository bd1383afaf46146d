package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.UUID;

/** A forensic analysis began. {@code analysisId} is a caller-chosen slug, unique within the incident. */
@EventType("forensic-analysis-started")
@Revision("1")
public record ForensicAnalysisStarted(
        UUID incidentId,
        String analysisId,
        String scope,
        Instant occurredAt
) implements IncidentEvent {
}
