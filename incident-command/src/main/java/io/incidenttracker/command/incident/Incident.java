package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.AssessDataImpact;
import io.incidenttracker.command.incident.IncidentCommands.AssignIncidentCommander;
import io.incidenttracker.command.incident.IncidentCommands.ChangeSeverity;
import io.incidenttracker.command.incident.IncidentCommands.ClassifyIncident;
import io.incidenttracker.command.incident.IncidentCommands.CloseIncident;
import io.incidenttracker.command.incident.IncidentCommands.ConcludeForensicAnalysis;
import io.incidenttracker.command.incident.IncidentCommands.CorrectOccurredAt;
import io.incidenttracker.command.incident.IncidentCommands.DeclareContainment;
import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.EstimateFirstActivity;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.LinkIncident;
import io.incidenttracker.command.incident.IncidentCommands.NotifyAuthority;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.PublishStatusUpdate;
import io.incidenttracker.command.incident.IncidentCommands.ReconnectSystem;
import io.incidenttracker.command.incident.IncidentCommands.RecordForensicFinding;
import io.incidenttracker.command.incident.IncidentCommands.ReopenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.ResolveIncident;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.incident.IncidentCommands.StartForensicAnalysis;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.command.obligation.TriggerFacts;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.serialization.Revision;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

/**
 * One cyber incident, from the first detection to its closure. Rules are checked in the command handlers; state
 * changes only in the event-sourcing handlers. Every handler answers the incident's new version: the sequence number
 * of its last event.
 * <p>
 * Life cycle: DETECTED, then CONTAINED, RESOLVED and CLOSED. A new attack wave on a contained or resolved incident
 * makes it DETECTED again; a resolved or closed incident can be reopened (DETECTED again). A closed incident accepts
 * only reopening, authority notifications, status updates, data-impact assessments, classifications, links and
 * corrections.
 * <p>
 * Reporting clocks: an assessment or classification that establishes a trigger of a regime opens its clocks (the
 * {@link RegulatoryRules} resource computes them from the command's time), schedules their warning and due time with
 * the deadline manager, and a report under the regime fulfils the clock due first.
 * <p>
 * Times that rules compare are kept per event sequence, so that a correction of an event's occurredAt also
 * corrects the rules that depend on it.
 * <p>
 * Snapshots store these fields as JSON (SnapshotConfiguration). A change to the fields or to what they mean needs a
 * new {@code @Revision}: snapshots of other revisions are then ignored and incidents replayed from their events.
 */
@Aggregate(snapshotTriggerDefinition = "incidentSnapshotTrigger")
@Revision("1")
public class Incident {

    /** Where the incident stands; mirrors the status of the query side. */
    enum Status { DETECTED, CONTAINED, RESOLVED, CLOSED }

    @AggregateIdentifier
    private UUID incidentId;
    private Status status;
    private Severity severity;
    private String commanderId;
    private final Map<Integer, Long> waveSequences = new HashMap<>();
    private final Map<String, Long> isolatedSystems = new HashMap<>();
    private final Map<String, Disruption> disruptedServices = new HashMap<>();
    private final Map<String, Analysis> analyses = new HashMap<>();
    private final Set<String> notificationReferences = new HashSet<>();
    private final Set<UUID> linkedIncidents = new HashSet<>();
    private int assessments;
    private Long containedSequence;
    private Long resolvedSequence;
    /** occurredAt of every event that can be corrected, by sequence, with corrections applied. */
    private final Map<Long, Instant> occurredAt = new HashMap<>();
    private final Set<Classification> classifications = EnumSet.noneOf(Classification.class);
    /** Every reporting clock started on this incident, by regime and clock, in the order they started. */
    private final Map<String, Obligation> obligations = new LinkedHashMap<>();
    /** Sequences of the events the reporting clocks record; they state no caller's time and cannot be corrected. */
    private final Set<Long> clockSequences = new HashSet<>();

    /** A reporting clock and how far it has run. */
    private record Obligation(String regime, String clock, String trigger, Instant dueAt, long sequence,
                              boolean warned, boolean missed, boolean fulfilled) {

        Obligation withWarning() {
            return new Obligation(regime, clock, trigger, dueAt, sequence, true, missed, fulfilled);
        }

        Obligation withMiss() {
            return new Obligation(regime, clock, trigger, dueAt, sequence, warned, true, fulfilled);
        }

        Obligation withFulfilment() {
            return new Obligation(regime, clock, trigger, dueAt, sequence, warned, missed, true);
        }
    }

    /** A service that is currently degraded or unavailable, since the event at {@code sequence}. */
    private record Disruption(ServiceImpact impact, long sequence) {
    }

    private record Analysis(long startedSequence, boolean concluded) {
    }

    protected Incident() {
        // for Axon: rebuilt from its events
    }

    // ---- detection ------------------------------------------------------------------------------------------------

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    long handle(OpenIncident command) {
        requireFirstActivityNotAfterDetection(command.firstActivityAt(), command.detectedAt());
        apply(new IncidentOpened(command.incidentId(), command.title(), command.severity(), command.detectedAt()));
        apply(new AttackDetected(command.incidentId(), 1, command.attackType(), command.severity(),
                command.description(), command.affectedSystems(), command.techniques(), command.detectedAt()));
        if (command.firstActivityAt() != null) {
            apply(new FirstActivityEstimated(command.incidentId(), 1, command.firstActivityAt(), null,
                    command.detectedAt()));
        }
        return getVersion();
    }

    @CommandHandler
    long handle(DetectAttack command) {
        checkVersion(command.expectedVersion());
        if (status == Status.CLOSED) {
            throw new IncidentRuleViolation("The incident is closed; reopen it before recording a further attack wave");
        }
        requireFirstActivityNotAfterDetection(command.firstActivityAt(), command.detectedAt());
        int wave = waveSequences.size() + 1;
        apply(new AttackDetected(incidentId, wave, command.attackType(), command.severity(),
                command.description(), command.affectedSystems(), command.techniques(), command.detectedAt()));
        if (command.firstActivityAt() != null) {
            apply(new FirstActivityEstimated(incidentId, wave, command.firstActivityAt(), null, command.detectedAt()));
        }
        return getVersion();
    }

    @CommandHandler
    long handle(EstimateFirstActivity command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        Long waveSequence = waveSequences.get(command.wave());
        if (waveSequence == null) {
            throw new IncidentRuleViolation("The incident has no attack wave " + command.wave());
        }
        requireFirstActivityNotAfterDetection(command.firstActivityAt(), occurredAt.get(waveSequence));
        apply(new FirstActivityEstimated(incidentId, command.wave(), command.firstActivityAt(), command.basis(),
                command.estimatedAt()));
        return getVersion();
    }

    private static void requireFirstActivityNotAfterDetection(Instant firstActivityAt, Instant detectedAt) {
        if (firstActivityAt != null && firstActivityAt.isAfter(detectedAt)) {
            throw new IncidentRuleViolation("The first attack activity (" + firstActivityAt
                    + ") cannot lie after the detection (" + detectedAt + ")");
        }
    }

    // ---- severity and command ------------------------------------------------------------------------------------

    @CommandHandler
    long handle(ChangeSeverity command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        if (command.severity() == severity) {
            throw new IncidentRuleViolation("The incident's severity is already " + severity);
        }
        apply(new SeverityChanged(incidentId, command.severity(), command.reason(), command.changedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(AssignIncidentCommander command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        if (command.commanderId().equals(commanderId)) {
            throw new IncidentRuleViolation(commanderId + " is already the incident commander");
        }
        apply(new IncidentCommanderAssigned(incidentId, command.commanderId(), command.assignedAt()));
        return getVersion();
    }

    // ---- systems and services ------------------------------------------------------------------------------------

    @CommandHandler
    long handle(IsolateSystem command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        if (isolatedSystems.containsKey(command.systemId())) {
            throw new IncidentRuleViolation("System " + command.systemId() + " is already isolated");
        }
        IsolationMethod method = command.method() == null ? IsolationMethod.UNRECORDED : command.method();
        apply(new SystemIsolated(incidentId, command.systemId(), command.reason(), method, command.isolatedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ReconnectSystem command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        Long isolation = isolatedSystems.get(command.systemId());
        if (isolation == null) {
            throw new IncidentRuleViolation("System " + command.systemId() + " is not isolated");
        }
        Instant isolatedAt = occurredAt.get(isolation);
        if (command.reconnectedAt().isBefore(isolatedAt)) {
            throw new IncidentRuleViolation("System " + command.systemId() + " cannot be reconnected at "
                    + command.reconnectedAt() + ", before it was isolated at " + isolatedAt);
        }
        apply(new SystemReconnected(incidentId, command.systemId(), command.note(), command.reconnectedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ReportServiceDisruption command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        Disruption current = disruptedServices.get(command.serviceId());
        if (current != null && current.impact() == command.impact()) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " is already " + command.impact()
                    + " since " + occurredAt.get(current.sequence()));
        }
        apply(new ServiceDisruptionReported(incidentId, command.serviceId(), command.impact(), command.description(),
                command.since()));
        return getVersion();
    }

    @CommandHandler
    long handle(RestoreService command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        Disruption current = disruptedServices.get(command.serviceId());
        if (current == null) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " is not disrupted");
        }
        Instant since = occurredAt.get(current.sequence());
        if (command.restoredAt().isBefore(since)) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " cannot be restored at "
                    + command.restoredAt() + ", before its disruption began at " + since);
        }
        apply(new ServiceRestored(incidentId, command.serviceId(), command.note(), command.restoredAt()));
        return getVersion();
    }

    // ---- life cycle -----------------------------------------------------------------------------------------------

    @CommandHandler
    long handle(DeclareContainment command) {
        checkVersion(command.expectedVersion());
        if (status != Status.DETECTED) {
            throw new IncidentRuleViolation("Containment can only be declared for a DETECTED incident; it is " + status);
        }
        Instant lastDetection = lastDetection();
        if (command.containedAt().isBefore(lastDetection)) {
            throw new IncidentRuleViolation("Containment at " + command.containedAt()
                    + " cannot precede the detection of the latest attack wave at " + lastDetection);
        }
        apply(new IncidentContained(incidentId, command.summary(), command.containedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ResolveIncident command) {
        checkVersion(command.expectedVersion());
        if (status != Status.CONTAINED) {
            throw new IncidentRuleViolation("Only a CONTAINED incident can be resolved; it is " + status);
        }
        Instant containedAt = occurredAt.get(containedSequence);
        if (command.resolvedAt().isBefore(containedAt)) {
            throw new IncidentRuleViolation("Resolution at " + command.resolvedAt()
                    + " cannot precede the containment at " + containedAt);
        }
        apply(new IncidentResolved(incidentId, command.summary(), command.resolvedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(CloseIncident command) {
        checkVersion(command.expectedVersion());
        if (status != Status.RESOLVED) {
            throw new IncidentRuleViolation("Only a RESOLVED incident can be closed; it is " + status);
        }
        Instant resolvedAt = occurredAt.get(resolvedSequence);
        if (command.closedAt().isBefore(resolvedAt)) {
            throw new IncidentRuleViolation("Closure at " + command.closedAt()
                    + " cannot precede the resolution at " + resolvedAt);
        }
        String openItems = openItems();
        if (!openItems.isEmpty() && (command.waiverReason() == null || command.waiverReason().isBlank())) {
            throw new IncidentRuleViolation("The incident cannot be closed while " + openItems
                    + "; restore, reconnect or conclude first, or close with a waiverReason");
        }
        apply(new IncidentClosed(incidentId, command.postIncidentSummary(),
                openItems.isEmpty() ? null : command.waiverReason(), command.closedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ReopenIncident command) {
        checkVersion(command.expectedVersion());
        if (status != Status.RESOLVED && status != Status.CLOSED) {
            throw new IncidentRuleViolation("Only a RESOLVED or CLOSED incident can be reopened; it is " + status);
        }
        apply(new IncidentReopened(incidentId, command.reason(), command.reopenedAt()));
        return getVersion();
    }

    private String openItems() {
        StringBuilder items = new StringBuilder();
        if (!disruptedServices.isEmpty()) {
            items.append("services are disrupted (").append(String.join(", ", new TreeSet<>(disruptedServices.keySet())))
                    .append(')');
        }
        if (!isolatedSystems.isEmpty()) {
            items.append(items.isEmpty() ? "" : ", ").append("systems are isolated (")
                    .append(String.join(", ", new TreeSet<>(isolatedSystems.keySet()))).append(')');
        }
        TreeSet<String> open = new TreeSet<>();
        analyses.forEach((id, analysis) -> {
            if (!analysis.concluded()) {
                open.add(id);
            }
        });
        if (!open.isEmpty()) {
            items.append(items.isEmpty() ? "" : ", ").append("forensic analyses are open (")
                    .append(String.join(", ", open)).append(')');
        }
        return items.toString();
    }

    // ---- forensics ------------------------------------------------------------------------------------------------

    @CommandHandler
    long handle(StartForensicAnalysis command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        if (analyses.containsKey(command.analysisId())) {
            throw new IncidentRuleViolation("Forensic analysis " + command.analysisId() + " already exists");
        }
        apply(new ForensicAnalysisStarted(incidentId, command.analysisId(), command.scope(), command.startedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(RecordForensicFinding command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        requireOpenAnalysis(command.analysisId());
        apply(new ForensicFindingRecorded(incidentId, command.analysisId(), command.techniques(),
                command.indicators(), command.text(), command.foundAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ConcludeForensicAnalysis command) {
        checkVersion(command.expectedVersion());
        requireNotClosed();
        Analysis analysis = requireOpenAnalysis(command.analysisId());
        Instant startedAt = occurredAt.get(analysis.startedSequence());
        if (command.concludedAt().isBefore(startedAt)) {
            throw new IncidentRuleViolation("Forensic analysis " + command.analysisId() + " cannot be concluded at "
                    + command.concludedAt() + ", before it started at " + startedAt);
        }
        apply(new ForensicAnalysisConcluded(incidentId, command.analysisId(), command.conclusion(),
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

    // ---- data impact, notifications, communication, links ---------------------------------------------------------

    @CommandHandler
    long handle(AssessDataImpact command, RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
        checkVersion(command.expectedVersion());
        if (command.personalData() == Certainty.NONE_KNOWN && command.estimatedPeople() != null
                && command.estimatedPeople() > 0) {
            throw new IncidentRuleViolation("An estimate of " + command.estimatedPeople()
                    + " people needs personal data to be at least SUSPECTED");
        }
        apply(new DataImpactAssessed(incidentId, assessments + 1, command.personalData(), command.dataCategories(),
                command.estimatedPeople(), command.exfiltration(), command.encryption(), command.rationale(),
                command.assessedAt()));
        startClocks(rules.opening(incidentId, TriggerFacts.ofPersonalData(command.personalData()), openRegimes(),
                command.assessedAt()), deadlines, metaData);
        return getVersion();
    }

    @CommandHandler
    long handle(NotifyAuthority command, RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
        checkVersion(command.expectedVersion());
        if (command.reference() != null && notificationReferences.contains(referenceKey(command.authority(),
                command.reference()))) {
            throw new IncidentRuleViolation("A notification to " + command.authority() + " with reference "
                    + command.reference() + " is already recorded");
        }
        apply(new AuthorityNotified(incidentId, command.authority(), command.regime(), command.reference(),
                command.summary(), command.notifiedAt()));
        fulfil(command.regime(), getVersion(), command.notifiedAt(), rules, deadlines, metaData);
        return getVersion();
    }

    private static String referenceKey(String authority, String reference) {
        return authority + "\n" + reference;
    }

    @CommandHandler
    long handle(PublishStatusUpdate command) {
        checkVersion(command.expectedVersion());
        apply(new StatusUpdatePublished(incidentId, command.audience(), command.text(), command.publishedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(LinkIncident command) {
        checkVersion(command.expectedVersion());
        if (command.linkedIncidentId().equals(incidentId)) {
            throw new IncidentRuleViolation("An incident cannot be linked to itself");
        }
        if (linkedIncidents.contains(command.linkedIncidentId())) {
            throw new IncidentRuleViolation("The incident is already linked to " + command.linkedIncidentId());
        }
        apply(new IncidentLinked(incidentId, command.linkedIncidentId(), command.relation(), command.reason(),
                command.linkedAt()));
        return getVersion();
    }

    // ---- regulatory clocks ---------------------------------------------------------------------------------------

    @CommandHandler
    long handle(ClassifyIncident command, RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
        checkVersion(command.expectedVersion());
        Set<Classification> next = EnumSet.noneOf(Classification.class);
        next.addAll(command.classifications());
        if (next.equals(classifications)) {
            throw new IncidentRuleViolation("The incident is already classified as "
                    + (next.isEmpty() ? "nothing" : next.toString()));
        }
        Set<Classification> added = EnumSet.copyOf(next);
        added.removeAll(classifications);
        apply(new IncidentClassified(incidentId, List.copyOf(next), command.basis(), command.classifiedAt()));
        startClocks(rules.opening(incidentId, TriggerFacts.ofClassifications(added), openRegimes(),
                command.classifiedAt()), deadlines, metaData);
        return getVersion();
    }

    /**
     * A clock's warning or due time has come. Nothing happens for a clock that was fulfilled meanwhile (its deadlines
     * are cancelled then, this guards a deadline already under way) or that already warned or missed. The events
     * carry the deadline's actor (the clock) and the correlation id of the command that started it: no command's
     * unit of work is there to supply them.
     */
    @DeadlineHandler
    void on(ObligationDeadline deadline, MetaData metaData) {
        Obligation obligation = obligations.get(obligationKey(deadline.regime(), deadline.clock()));
        if (obligation == null || obligation.fulfilled()) {
            return;
        }
        MetaData origin = metaData.subset("actor", "correlationId");
        if (deadline.kind() == ObligationDeadline.Kind.WARNING) {
            if (!obligation.warned() && !obligation.missed()) {
                apply(new ObligationWarningRaised(incidentId, obligation.regime(), obligation.clock(),
                        obligation.dueAt(), deadline.at()), origin);
            }
        } else if (!obligation.missed()) {
            apply(new ObligationDeadlineMissed(incidentId, obligation.regime(), obligation.clock(),
                    obligation.dueAt(), deadline.at()), origin);
        }
    }

    private Set<String> openRegimes() {
        Set<String> regimes = new HashSet<>();
        obligations.values().forEach(obligation -> regimes.add(obligation.regime()));
        return regimes;
    }

    /** Applies the opened clocks and schedules each one's warning and due time. */
    private void startClocks(List<ObligationOpened> opened, DeadlineManager deadlines, MetaData metaData) {
        Map<String, Object> deadlineMetaData = new HashMap<>();
        deadlineMetaData.put("actor", ObligationDeadline.ACTOR);
        if (metaData.get("correlationId") != null) {
            deadlineMetaData.put("correlationId", metaData.get("correlationId"));
        }
        for (ObligationOpened obligation : opened) {
            apply(obligation);
            for (ObligationDeadline.Kind kind : ObligationDeadline.Kind.values()) {
                Instant at = kind == ObligationDeadline.Kind.WARNING ? obligation.warnAt() : obligation.dueAt();
                deadlines.schedule(at, ObligationDeadline.deadlineName(kind, obligation.regime(), obligation.clock()),
                        GenericMessage.asMessage(new ObligationDeadline(obligation.regime(), obligation.clock(), kind,
                                at)).andMetaData(deadlineMetaData));
            }
        }
    }

    /**
     * A report under {@code regime} (compared without regard to case) fulfils that regime's open clock that is due
     * first: its deadlines are cancelled, and the clocks that start after it start now.
     */
    private void fulfil(String regime, long notificationSequence, Instant notifiedAt, RegulatoryRules rules,
                        DeadlineManager deadlines, MetaData metaData) {
        obligations.values().stream()
                .filter(obligation -> obligation.regime().equalsIgnoreCase(regime) && !obligation.fulfilled())
                .min(Comparator.comparing(Obligation::dueAt).thenComparing(Obligation::sequence))
                .ifPresent(due -> {
                    apply(new ObligationFulfilled(incidentId, due.regime(), due.clock(), due.dueAt(),
                            notificationSequence, notifiedAt.isAfter(due.dueAt()), notifiedAt));
                    for (ObligationDeadline.Kind kind : ObligationDeadline.Kind.values()) {
                        deadlines.cancelAllWithinScope(ObligationDeadline.deadlineName(kind, due.regime(),
                                due.clock()));
                    }
                    startClocks(rules.followUps(incidentId, due.regime(), due.clock(), due.trigger(), notifiedAt),
                            deadlines, metaData);
                });
    }

    private static String obligationKey(String regime, String clock) {
        return regime + "\n" + clock;
    }

    // ---- corrections ----------------------------------------------------------------------------------------------

    @CommandHandler
    long handle(CorrectOccurredAt command) {
        checkVersion(command.expectedVersion());
        Instant current = occurredAt.get(command.sequence());
        if (clockSequences.contains(command.sequence())) {
            throw new IncidentRuleViolation("Event " + command.sequence()
                    + " was recorded by a reporting clock and states no caller's time; it cannot be corrected");
        }
        if (current == null) {
            throw new IncidentRuleViolation(command.sequence() < 0 || command.sequence() > getVersion()
                    ? "The incident has no event " + command.sequence()
                    : "Event " + command.sequence() + " is a correction; correct the original event instead");
        }
        if (current.equals(command.occurredAt())) {
            throw new IncidentRuleViolation("Event " + command.sequence() + " already has occurredAt " + current);
        }
        apply(new OccurredAtCorrected(incidentId, command.sequence(), command.occurredAt(), command.reason(),
                command.correctedAt()));
        return getVersion();
    }

    // ---- shared checks --------------------------------------------------------------------------------------------

    private void checkVersion(Long expectedVersion) {
        long actual = getVersion();
        if (expectedVersion != null && expectedVersion != actual) {
            throw new VersionMismatch(expectedVersion, actual);
        }
    }

    private void requireNotClosed() {
        if (status == Status.CLOSED) {
            throw new IncidentRuleViolation("The incident is closed; reopen it first");
        }
    }

    private Instant lastDetection() {
        return waveSequences.values().stream().map(occurredAt::get).filter(Objects::nonNull)
                .max(Instant::compareTo).orElseThrow();
    }

    // ---- state ----------------------------------------------------------------------------------------------------

    private void remember(long sequence, IncidentEvent event) {
        occurredAt.put(sequence, event.occurredAt());
    }

    @EventSourcingHandler
    void on(IncidentOpened event, @SequenceNumber long sequence) {
        incidentId = event.incidentId();
        status = Status.DETECTED;
        severity = event.severity();
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(AttackDetected event, @SequenceNumber long sequence) {
        waveSequences.put(event.wave(), sequence);
        if (event.severity() != null) {
            severity = severity.atLeast(event.severity());
        }
        if (status == Status.CONTAINED || status == Status.RESOLVED) {
            status = Status.DETECTED;
        }
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(FirstActivityEstimated event, @SequenceNumber long sequence) {
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(SeverityChanged event, @SequenceNumber long sequence) {
        severity = event.severity();
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentCommanderAssigned event, @SequenceNumber long sequence) {
        commanderId = event.commanderId();
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(SystemIsolated event, @SequenceNumber long sequence) {
        isolatedSystems.put(event.systemId(), sequence);
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(SystemReconnected event, @SequenceNumber long sequence) {
        isolatedSystems.remove(event.systemId());
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(ServiceDisruptionReported event, @SequenceNumber long sequence) {
        disruptedServices.put(event.serviceId(), new Disruption(event.impact(), sequence));
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(ServiceRestored event, @SequenceNumber long sequence) {
        disruptedServices.remove(event.serviceId());
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentContained event, @SequenceNumber long sequence) {
        status = Status.CONTAINED;
        containedSequence = sequence;
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentResolved event, @SequenceNumber long sequence) {
        status = Status.RESOLVED;
        resolvedSequence = sequence;
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentClosed event, @SequenceNumber long sequence) {
        status = Status.CLOSED;
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentReopened event, @SequenceNumber long sequence) {
        status = Status.DETECTED;
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(ForensicAnalysisStarted event, @SequenceNumber long sequence) {
        analyses.put(event.analysisId(), new Analysis(sequence, false));
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(ForensicFindingRecorded event, @SequenceNumber long sequence) {
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(ForensicAnalysisConcluded event, @SequenceNumber long sequence) {
        analyses.computeIfPresent(event.analysisId(), (id, analysis) -> new Analysis(analysis.startedSequence(), true));
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(DataImpactAssessed event, @SequenceNumber long sequence) {
        assessments = event.revision();
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(AuthorityNotified event, @SequenceNumber long sequence) {
        if (event.reference() != null) {
            notificationReferences.add(referenceKey(event.authority(), event.reference()));
        }
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(StatusUpdatePublished event, @SequenceNumber long sequence) {
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentLinked event, @SequenceNumber long sequence) {
        linkedIncidents.add(event.linkedIncidentId());
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(IncidentClassified event, @SequenceNumber long sequence) {
        classifications.clear();
        classifications.addAll(event.classifications());
        remember(sequence, event);
    }

    @EventSourcingHandler
    void on(ObligationOpened event, @SequenceNumber long sequence) {
        obligations.put(obligationKey(event.regime(), event.clock()), new Obligation(event.regime(), event.clock(),
                event.trigger(), event.dueAt(), sequence, false, false, false));
        clockSequences.add(sequence);
    }

    @EventSourcingHandler
    void on(ObligationWarningRaised event, @SequenceNumber long sequence) {
        obligations.computeIfPresent(obligationKey(event.regime(), event.clock()), (key, o) -> o.withWarning());
        clockSequences.add(sequence);
    }

    @EventSourcingHandler
    void on(ObligationDeadlineMissed event, @SequenceNumber long sequence) {
        obligations.computeIfPresent(obligationKey(event.regime(), event.clock()), (key, o) -> o.withMiss());
        clockSequences.add(sequence);
    }

    @EventSourcingHandler
    void on(ObligationFulfilled event, @SequenceNumber long sequence) {
        obligations.computeIfPresent(obligationKey(event.regime(), event.clock()), (key, o) -> o.withFulfilment());
        clockSequences.add(sequence);
    }

    /** A correction is not itself correctable; the corrected time replaces the stated one for every later rule. */
    @EventSourcingHandler
    void on(OccurredAtCorrected event) {
        occurredAt.replace(event.correctedSequence(), event.correctedOccurredAt());
    }
}
