package io.incidenttracker.command.incident;

import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.PublicImpact;
import io.incidenttracker.events.incident.PublicStatus;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The commands of the incident's detection, response and life cycle, handled by the {@link Incident} root itself; the
 * commands of forensics, regulatory reporting and corrections live with those parts. Times and ids arrive in the
 * command, so the aggregate stays deterministic. {@code expectedVersion}, when present, is the version the caller saw
 * ({@code If-Match}); the command is refused if the incident has moved on since.
 * <p>
 * Public: the HTTP controllers and in-process callers (the load-test harness) send them through the command gateway.
 */
public final class IncidentCommands {

    private IncidentCommands() {
    }

    /** DetectAttack that opens a new incident. */
    public record OpenIncident(
            @TargetAggregateIdentifier UUID incidentId,
            String title,
            AttackType attackType,
            Severity severity,
            Instant detectedAt,
            String description,
            List<String> affectedSystems,
            List<String> techniques,
            Instant firstActivityAt) {

        public OpenIncident(UUID incidentId, String title, AttackType attackType, Severity severity, Instant detectedAt,
                     String description, List<String> affectedSystems, List<String> techniques) {
            this(incidentId, title, attackType, severity, detectedAt, description, affectedSystems, techniques, null);
        }
    }

    /** DetectAttack on an open incident: a further wave. */
    public record DetectAttack(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            AttackType attackType,
            Instant detectedAt,
            Severity severity,
            String description,
            List<String> affectedSystems,
            List<String> techniques,
            Instant firstActivityAt) implements IncidentCommand {

        public DetectAttack(UUID incidentId, Long expectedVersion, AttackType attackType, Instant detectedAt,
                     Severity severity, String description, List<String> affectedSystems, List<String> techniques) {
            this(incidentId, expectedVersion, attackType, detectedAt, severity, description, affectedSystems,
                    techniques, null);
        }
    }

    public record IsolateSystem(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String systemId,
            Instant isolatedAt,
            String reason,
            IsolationMethod method) implements OperationalCommand {
    }

    public record ReportServiceDisruption(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String serviceId,
            ServiceImpact impact,
            Instant since,
            String description) implements OperationalCommand {
    }

    public record RestoreService(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String serviceId,
            Instant restoredAt,
            String note) implements OperationalCommand {
    }

    /** Revises when the attacker's activity of a wave began, as far as it is known now. */
    public record EstimateFirstActivity(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            int wave,
            Instant firstActivityAt,
            String basis,
            Instant estimatedAt) implements OperationalCommand {
    }

    public record ChangeSeverity(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Severity severity,
            String reason,
            Instant changedAt) implements OperationalCommand {
    }

    /** {@code commanderId} is a principal id, never a name or an e-mail address. */
    public record AssignIncidentCommander(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String commanderId,
            Instant assignedAt) implements OperationalCommand {
    }

    public record ReconnectSystem(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String systemId,
            Instant reconnectedAt,
            String note) implements OperationalCommand {
    }

    public record DeclareContainment(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant containedAt,
            String summary) implements IncidentCommand {
    }

    public record ResolveIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant resolvedAt,
            String summary) implements IncidentCommand {
    }

    /** {@code waiverReason} allows closing while services are disrupted, systems isolated or analyses open. */
    public record CloseIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant closedAt,
            String postIncidentSummary,
            String waiverReason) implements IncidentCommand {
    }

    public record ReopenIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Instant reopenedAt,
            String reason) implements IncidentCommand {
    }

    public record PublishStatusUpdate(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Audience audience,
            String text,
            String headline,
            PublicStatus status,
            PublicImpact impact,
            Instant publishedAt) implements IncidentCommand {
    }

    public record LinkIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            UUID linkedIncidentId,
            LinkRelation relation,
            String reason,
            Instant linkedAt) implements IncidentCommand {
    }
}
