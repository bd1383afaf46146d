package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventCatalog;

import java.time.Instant;
import java.util.UUID;

/**
 * Everything that can happen to an incident. Each event is an immutable fact; corrections are new events.
 * No event carries personal data or secrets: people appear only as principal ids, in the event's metadata.
 */
public sealed interface IncidentEvent
        permits IncidentOpened, AttackDetected, SystemIsolated, ServiceDisruptionReported, ServiceRestored,
                SeverityChanged, IncidentCommanderAssigned, SystemReconnected, FirstActivityEstimated,
                IncidentContained, IncidentResolved, IncidentClosed, IncidentReopened,
                ForensicAnalysisStarted, ForensicFindingRecorded, ForensicAnalysisConcluded,
                DataImpactAssessed, AuthorityNotified, StatusUpdatePublished, IncidentLinked,
                OccurredAtCorrected,
                IncidentClassified, ObligationOpened, ObligationWarningRaised, ObligationDeadlineMissed,
                ObligationFulfilled {

    /** The published catalogue of incident events. */
    EventCatalog CATALOG = EventCatalog.of("incident", IncidentEvent.class);

    /** The incident this event belongs to; also the Kafka key and the CloudEvents subject. */
    UUID incidentId();

    /** When it happened in the world, as the caller stated it (not when it was recorded). */
    Instant occurredAt();
}
