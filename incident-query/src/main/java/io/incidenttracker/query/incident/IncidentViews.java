package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
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

    @Schema(description = "An incident with its attack waves, systems and services, its life cycle and everything "
            + "recorded beside it. Times are the corrected ones where a correction applies.")
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
            List<ServiceStatus> services,
            @Schema(nullable = true, description = "Principal id of the incident commander (never a name)")
            String commanderId,
            @Schema(nullable = true, description = "When the current containment was declared")
            Instant containedAt,
            @Schema(nullable = true, description = "When the current resolution was declared")
            Instant resolvedAt,
            @Schema(nullable = true, description = "The closure, while the incident is CLOSED")
            Closure closure,
            @Schema(description = "Every status the incident went through, oldest first")
            List<StatusChange> statusHistory,
            @Schema(description = "Every severity the incident had, oldest first")
            List<SeverityChange> severityHistory,
            List<ForensicAnalysis> forensicAnalyses,
            DataImpact dataImpact,
            List<AuthorityNotification> notifications,
            List<StatusUpdate> statusUpdates,
            @Schema(description = "Links made from this incident (OUTGOING) and to it (INCOMING)")
            List<IncidentLink> links,
            @Schema(description = "Corrections of stated times applied to this incident")
            List<Correction> corrections,
            ResponseMetrics metrics) {
    }

    @Schema(description = "A status the incident entered")
    public record StatusChange(long sequence, IncidentStatus status, Instant since,
                               @Schema(nullable = true) String note) {
    }

    @Schema(description = "A severity the incident had")
    public record SeverityChange(long sequence, Severity severity, Instant since,
                                 @Schema(nullable = true) String reason) {
    }

    @Schema(description = "How the incident was closed")
    public record Closure(Instant closedAt, String postIncidentSummary,
                          @Schema(nullable = true, description = "Why open items were accepted at closure")
                          String waiverReason) {
    }

    @Schema(description = "A forensic analysis with its findings")
    public record ForensicAnalysis(String analysisId, @Schema(nullable = true) String scope, Instant startedAt,
                                   @Schema(nullable = true) Instant concludedAt,
                                   @Schema(nullable = true) String conclusion,
                                   List<ForensicFinding> findings) {
    }

    @Schema(description = "A finding of a forensic analysis")
    public record ForensicFinding(long sequence, Instant foundAt,
                                  @Schema(description = "MITRE ATT&CK technique ids") List<String> techniques,
                                  @Schema(description = "Indicators of compromise, opaque strings")
                                  List<String> indicators,
                                  @Schema(nullable = true) String text) {
    }

    @Schema(description = "The judgement on data: the latest revision and every revision, oldest first")
    public record DataImpact(@Schema(nullable = true) DataImpactAssessment latest,
                             List<DataImpactAssessment> history) {
    }

    @Schema(description = "One revision of the data-impact assessment")
    public record DataImpactAssessment(long sequence, int revision, Certainty personalData,
                                       List<String> dataCategories,
                                       @Schema(nullable = true) Long estimatedPeople,
                                       Certainty exfiltration, Certainty encryption,
                                       @Schema(nullable = true) String rationale,
                                       @Schema(description = "The time the judgement refers to") Instant assessedAt) {
    }

    @Schema(description = "A report made to an authority")
    public record AuthorityNotification(long sequence, String authority, String regime,
                                        @Schema(nullable = true) String reference,
                                        @Schema(nullable = true) String summary, Instant notifiedAt) {
    }

    @Schema(description = "A published status update")
    public record StatusUpdate(long sequence, Audience audience, String text, Instant publishedAt) {
    }

    public enum LinkDirection { OUTGOING, INCOMING }

    @Schema(description = "A related incident")
    public record IncidentLink(@Schema(description = "The other incident") UUID incidentId,
                               LinkDirection direction, LinkRelation relation,
                               @Schema(nullable = true) String reason, Instant linkedAt) {
    }

    @Schema(description = "A stated time that was corrected")
    public record Correction(long sequence, long correctedSequence,
                             @Schema(description = "Event kind of the corrected event") String correctedType,
                             Instant originalOccurredAt, Instant correctedOccurredAt,
                             @Schema(nullable = true) String reason, Instant correctedAt) {
    }

    @Schema(description = "Response metrics, durations in ISO-8601 (PT6H45M); null where the end is not reached")
    public record ResponseMetrics(
            @Schema(nullable = true, description = "First known attack activity to detection, first wave")
            String timeToDetect,
            @Schema(nullable = true, description = "Detection of the first wave to the first containment")
            String timeToContain,
            @Schema(nullable = true, description = "Opening to the current resolution")
            String timeToResolve,
            List<WaveMetrics> waves,
            @Schema(description = "One entry per disruption of a service, restored or not")
            List<ServiceRestoreMetrics> services) {
    }

    @Schema(description = "Metrics of one attack wave")
    public record WaveMetrics(int wave, @Schema(nullable = true) Instant firstActivityAt, Instant detectedAt,
                              @Schema(nullable = true, description = "The first containment after this detection")
                              Instant containedAt,
                              @Schema(nullable = true) String timeToDetect,
                              @Schema(nullable = true) String timeToContain) {
    }

    @Schema(description = "One disruption of a service and its restoration")
    public record ServiceRestoreMetrics(String serviceId, Instant disruptedAt,
                                        @Schema(nullable = true) Instant restoredAt,
                                        @Schema(nullable = true) String timeToRestore) {
    }

    @Schema(description = "A system currently isolated, with the incident that holds it")
    public record IsolatedSystem(String systemId, UUID incidentId, String incidentTitle,
                                 IncidentStatus incidentStatus, Instant isolatedSince,
                                 @Schema(nullable = true) String reason) {
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
            List<String> techniques,
            @Schema(nullable = true, description = "Earliest known attacker activity of this wave")
            Instant firstActivityAt,
            @Schema(nullable = true, description = "What that estimate rests on")
            String firstActivityBasis) {
    }

    @Schema(description = "Current state of a system within the incident")
    public record SystemStatus(String systemId, SystemState state, Instant since,
                               @Schema(nullable = true, description = "Reason of the latest isolation")
                               String isolationReason,
                               @Schema(nullable = true, description = "How the latest isolation cut the system off "
                                       + "(UNRECORDED when not stated); null if never isolated")
                               IsolationMethod isolationMethod) {
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
            String correlationId,
            @Schema(nullable = true, description = "The corrected time, when a later event corrected occurredAt")
            Instant correctedOccurredAt,
            @Schema(nullable = true, description = "Sequence of the correcting event")
            Long correctedBySequence) {
    }
}
