package io.incidenttracker.command.incident;

import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The commands the Incident aggregate accepts. Times and ids arrive in the command, so the aggregate stays
 * deterministic. {@code expectedVersion}, when present, is the version the caller saw ({@code If-Match}); the
 * command is refused if the incident has moved on since.
 */
final class IncidentCommands {

    private IncidentCommands() {
    }

    /** DetectAttack that opens a new incident. */
    record OpenIncident(
            @TargetAggregateIdentifier UUID incidentId,
            String title,
            AttackType attackType,
            Severity severity,
            Instant detectedAt,
            String description,
            List<String> affectedSystems,
            List<String> techniques,
            Instant firstActivityAt) {

        OpenIncident(UUID incidentId, String title, AttackType attackType, Severity severity, Instant detectedAt,
                     String description, List<String> affectedSystems, List<String> techniques) {
            this(incidentId, title, attackType, severity, detectedAt, description, affectedSystems, techniques, null);
        }
    }

    /** DetectAttack on an open incident: a further wave. */
    record DetectAttack(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            AttackType attackType,
            Instant detectedAt,
            Severity severity,
            String description,
            List<String> affectedSystems,
            List<String> techniques,
            Instant firstActivityAt) {

        DetectAttack(UUID incidentId, Long expectedVersion, AttackType attackType, Instant detectedAt,
                     Severity severity, String description, List<String> affectedSystems, List<String> techniques) {
            this(incidentId, expectedVersion, attackType, detectedAt, severity, description, affectedSystems,
                    techniques, null);
        }
    }

    record IsolateSystem(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String systemId,
            Instant isolatedAt,
            String reason,
            IsolationMethod method) {
    }

    record ReportServiceDisruption(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String serviceId,
            ServiceImpact impact,
            Instant since,
            String description) {
    }

    record RestoreService(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String serviceId,
            Instant restoredAt,
            String note) {
    }

    /** Revises when the attacker's activity of a wave began, as far as it is known now. */
    record EstimateFirstActivity(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            int wave,
            Instant firstActivityAt,
            String basis,
            Instant estimatedAt) {
    }

    record ChangeSeverity(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Severity severity,
            String reason,
            Instant changedAt) {
    }

    /** {@code commanderId} is a principal id, never a name or an e-mail address. */
    record AssignIncidentCommander(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String commanderId,
            Instant assignedAt) {
    }

    record ReconnectSystem(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String systemId,
            Instant reconnectedAt,
            String note) {
    }

    record DeclareContainment(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant containedAt,
            String summary) {
    }

    record ResolveIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant resolvedAt,
            String summary) {
    }

    /** {@code waiverReason} allows closing while services are disrupted, systems isolated or analyses open. */
    record CloseIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant closedAt,
            String postIncidentSummary,
            String waiverReason) {
    }

    record ReopenIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant reopenedAt,
            String reason) {
    }

    record StartForensicAnalysis(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String analysisId,
            Instant startedAt,
            String scope) {
    }

    record RecordForensicFinding(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String analysisId,
            Instant foundAt,
            List<String> techniques,
            List<String> indicators,
            String text) {
    }

    record ConcludeForensicAnalysis(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String analysisId,
            Instant concludedAt,
            String conclusion) {
    }

    /** {@code assessedAt} is the time the judgement refers to. */
    record AssessDataImpact(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Certainty personalData,
            List<String> dataCategories,
            Long estimatedPeople,
            Certainty exfiltration,
            Certainty encryption,
            String rationale,
            Instant assessedAt) {
    }

    record NotifyAuthority(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String authority,
            String regime,
            String reference,
            Instant notifiedAt,
            String summary) {
    }

    record PublishStatusUpdate(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Audience audience,
            String text,
            Instant publishedAt) {
    }

    record LinkIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            UUID linkedIncidentId,
            LinkRelation relation,
            String reason,
            Instant linkedAt) {
    }

    /** Corrects the occurredAt of the event at {@code sequence}; {@code correctedAt} is when the correction is made. */
    record CorrectOccurredAt(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            long sequence,
            Instant occurredAt,
            String reason,
            Instant correctedAt) {
    }

    /** States the incident's complete regulatory classification from {@code classifiedAt} on. */
    record ClassifyIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            List<Classification> classifications,
            String basis,
            Instant classifiedAt) {
    }
}
