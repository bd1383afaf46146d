package io.incidenttracker.command.incident;

import io.incidenttracker.events.incident.AttackType;
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
            List<String> techniques) {
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
            List<String> techniques) {
    }

    record IsolateSystem(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String systemId,
            Instant isolatedAt,
            String reason) {
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
}
