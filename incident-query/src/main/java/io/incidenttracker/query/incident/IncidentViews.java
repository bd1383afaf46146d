package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Severity;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the query API answers about incidents. Field names are part of the public contract. */
public final class IncidentViews {

    private IncidentViews() {
    }

    @Schema(description = "An incident in the list")
    public record IncidentSummary(
            UUID incidentId,
            String title,
            IncidentStatus status,
            Severity severity,
            Instant openedAt,
            @Schema(description = "Sequence number of the last event applied; starts at 0")
            long version) {
    }

    @Schema(description = "An incident with its attack waves, systems and services")
    public record IncidentDetail(
            UUID incidentId,
            String title,
            IncidentStatus status,
            @Schema(description = "Highest of the severity at opening and every wave's severity")
            Severity severity,
            Instant openedAt,
            @Schema(description = "Principal who opened the incident")
            String openedBy,
            @Schema(description = "Sequence number of the last event applied; starts at 0")
            long version,
            @Schema(description = "When the last applied event happened")
            Instant lastOccurredAt,
            @Schema(description = "When the last applied event was recorded")
            Instant lastRecordedAt,
            List<AttackWave> attackWaves,
            List<SystemStatus> systems,
            List<ServiceStatus> services) {
    }

    @Schema(description = "One wave of attack")
    public record AttackWave(
            int wave,
            AttackType attackType,
            @Schema(nullable = true, description = "Severity of this wave, if assessed")
            Severity severity,
            @Schema(nullable = true)
            String description,
            Instant detectedAt,
            List<String> affectedSystems,
            @Schema(description = "MITRE ATT&CK technique ids")
            List<String> techniques) {
    }

    @Schema(description = "Current state of a system within the incident")
    public record SystemStatus(String systemId, SystemState state, Instant since) {
    }

    @Schema(description = "Current state of a service within the incident")
    public record ServiceStatus(
            String serviceId,
            ServiceState state,
            Instant since,
            @Schema(nullable = true, description = "The latest disruption description or restoration note")
            String description) {
    }

    @Schema(description = "One event in an incident's history")
    public record TimelineEntry(
            long sequence,
            @Schema(description = "Event kind, for example AttackDetected")
            String type,
            @Schema(description = "When it happened, as stated by the caller")
            Instant occurredAt,
            @Schema(description = "When it was recorded in the event store")
            Instant recordedAt,
            @Schema(description = "Principal whose command caused it")
            String actor,
            String summary,
            String eventId,
            @Schema(nullable = true)
            String correlationId) {
    }
}
