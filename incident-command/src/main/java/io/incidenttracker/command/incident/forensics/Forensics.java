package io.incidenttracker.command.incident.forensics;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.incident.forensics.ForensicCommands.ConcludeForensicAnalysis;
import io.incidenttracker.command.incident.forensics.ForensicCommands.RecordForensicFinding;
import io.incidenttracker.command.incident.forensics.ForensicCommands.StartForensicAnalysis;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

/**
 * The forensic analyses of an incident: each is started once under a caller-chosen id, collects findings while it
 * is open, and is concluded no earlier than it started. Part of the Incident aggregate (a member that sees every
 * event of the incident); the incident's version and its closure are checked by the incident before these handlers
 * run, and the incident asks {@link #openAnalyses()} before it closes.
 */
public class Forensics {

    private final Map<String, Analysis> analyses = new HashMap<>();

    /** An analysis, when it started (corrections applied) and whether it is concluded. */
    private record Analysis(long startedSequence, Instant startedAt, boolean concluded) {
    }

    /** The ids of the analyses not yet concluded, in order. */
    public SortedSet<String> openAnalyses() {
        TreeSet<String> open = new TreeSet<>();
        analyses.forEach((id, analysis) -> {
            if (!analysis.concluded()) {
                open.add(id);
            }
        });
        return open;
    }

    @CommandHandler
    long handle(StartForensicAnalysis command) {
        if (analyses.containsKey(command.analysisId())) {
            throw new IncidentRuleViolation("Forensic analysis " + command.analysisId() + " already exists");
        }
        apply(new ForensicAnalysisStarted(command.incidentId(), command.analysisId(), command.scope(),
                command.startedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(RecordForensicFinding command) {
        requireOpenAnalysis(command.analysisId());
        apply(new ForensicFindingRecorded(command.incidentId(), command.analysisId(), command.techniques(),
                command.indicators(), command.text(), command.foundAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ConcludeForensicAnalysis command) {
        Analysis analysis = requireOpenAnalysis(command.analysisId());
        if (command.concludedAt().isBefore(analysis.startedAt())) {
            throw new IncidentRuleViolation("Forensic analysis " + command.analysisId() + " cannot be concluded at "
                    + command.concludedAt() + ", before it started at " + analysis.startedAt());
        }
        apply(new ForensicAnalysisConcluded(command.incidentId(), command.analysisId(), command.conclusion(),
                command.concludedAt()));
        return getVersion();
    }

    private Analysis requireOpenAnalysis(String analysisId) {
        Analysis analysis = analyses.get(analysisId);
        if (analysis == null) {
            throw new IncidentRuleViolation("No forensic analysis " + analysisId + " was started");
        }
        if (analysis.concluded()) {
            throw new IncidentRuleViolation("Forensic analysis " + analysisId + " is already concluded");
        }
        return analysis;
    }

    @EventSourcingHandler
    void on(ForensicAnalysisStarted event, @SequenceNumber long sequence) {
        analyses.put(event.analysisId(), new Analysis(sequence, event.occurredAt(), false));
    }

    @EventSourcingHandler
    void on(ForensicAnalysisConcluded event) {
        analyses.computeIfPresent(event.analysisId(),
                (id, analysis) -> new Analysis(analysis.startedSequence(), analysis.startedAt(), true));
    }

    /** A corrected start of an analysis is the start its conclusion is compared with. */
    @EventSourcingHandler
    void on(OccurredAtCorrected event) {
        analyses.replaceAll((id, analysis) -> analysis.startedSequence() == event.correctedSequence()
                ? new Analysis(analysis.startedSequence(), event.correctedOccurredAt(), analysis.concluded())
                : analysis);
    }
}
