package io.incidenttracker.command.incident.forensics;

import io.incidenttracker.command.incident.OperationalCommand;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The commands of an incident's forensic analyses, handled by {@link Forensics}. A closed incident refuses them: they
 * are operational.
 */
public final class ForensicCommands {

    private ForensicCommands() {
    }

    /** {@code analysisId} is a caller-chosen slug, unique within the incident. */
    public record StartForensicAnalysis(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String analysisId,
            Instant startedAt,
            String scope) implements OperationalCommand {
    }

    public record RecordForensicFinding(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String analysisId,
            Instant foundAt,
            List<String> techniques,
            List<String> indicators,
            String text) implements OperationalCommand {
    }

    public record ConcludeForensicAnalysis(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String analysisId,
            Instant concludedAt,
            String conclusion) implements OperationalCommand {
    }
}
