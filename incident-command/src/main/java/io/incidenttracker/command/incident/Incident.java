package io.incidenttracker.command.incident;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.IncidentCommands.AssignIncidentCommander;
import io.incidenttracker.command.incident.IncidentCommands.ChangeSeverity;
import io.incidenttracker.command.incident.IncidentCommands.CloseIncident;
import io.incidenttracker.command.incident.IncidentCommands.DeclareContainment;
import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.EstimateFirstActivity;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.LinkIncident;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.PublishStatusUpdate;
import io.incidenttracker.command.incident.IncidentCommands.ReconnectSystem;
import io.incidenttracker.command.incident.IncidentCommands.ReopenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.ResolveIncident;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.incident.correction.EventTimes;
import io.incidenttracker.command.incident.forensics.Forensics;
import io.incidenttracker.command.incident.reporting.RegulatoryReporting;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateMember;
import org.axonframework.modelling.command.CommandHandlerInterceptor;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

/**
 * One cyber incident, from the first detection to its closure: the root of the aggregate. It keeps the life cycle
 * (detection, systems and services, severity and commander, containment, resolution, closure, reopening) and the
 * version; three members keep the rest, each with its own command and event-sourcing handlers:
 * {@link Forensics} (the forensic analyses), {@link RegulatoryReporting} (assessments, classifications,
 * notifications and the reporting clocks) and {@link EventTimes} (when each event happened, and its corrections).
 * Rules are checked in the command handlers; state changes only in the event-sourcing handlers. Every handler answers
 * the incident's new version: the sequence number of its last event.
 * <p>
 * Before any handler, root or member, runs a command on an existing incident ({@link IncidentCommand}), the root
 * compares the caller's version, and refuses an {@link OperationalCommand} on a closed incident.
 * <p>
 * Life cycle: DETECTED, then CONTAINED, RESOLVED and CLOSED. A new attack wave on a contained or resolved incident
 * makes it DETECTED again; a resolved or closed incident can be reopened (DETECTED again). A closed incident accepts
 * only reopening, authority notifications, status updates, data-impact assessments, classifications, links and
 * corrections.
 * <p>
 * Times that rules compare are read from {@link EventTimes} by event sequence, so that a correction of an event's
 * occurredAt also corrects the rules that depend on it.
 * <p>
 * Snapshots store these fields, the members' included, as JSON (SnapshotConfiguration). A change to the fields or to
 * what they mean needs a new {@code @Revision}: snapshots of other revisions are then ignored and incidents replayed
 * from their events.
 */
@Aggregate(snapshotTriggerDefinition = "incidentSnapshotTrigger")
@Revision("3")
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
    private final Set<UUID> linkedIncidents = new HashSet<>();
    private Long containedSequence;
    private Long resolvedSequence;
    /** Whether a PUBLIC update gave the incident a public name (revision 3 of the snapshot). */
    private boolean publiclyNamed;
    @AggregateMember
    private final EventTimes times = new EventTimes();
    @AggregateMember
    private final Forensics forensics = new Forensics();
    @AggregateMember
    private final RegulatoryReporting reporting = new RegulatoryReporting();

    /** A service that is currently degraded or unavailable, since the event at {@code sequence}. */
    private record Disruption(ServiceImpact impact, long sequence) {
    }

    protected Incident() {
        // for Axon: rebuilt from its events
    }

    // ---- version and closure, for every command on an existing incident ----------------------------------------

    /**
     * Runs before the handler of every command of this aggregate, members' included: the caller's version first, then
     * the closure of the incident for operational commands.
     */
    @CommandHandlerInterceptor
    Object checkVersionAndClosure(CommandMessage<?> message, InterceptorChain chain) throws Exception {
        if (message.getPayload() instanceof IncidentCommand command) {
            long actual = getVersion();
            if (command.expectedVersion() != null && command.expectedVersion() != actual) {
                throw new VersionMismatch(command.expectedVersion(), actual);
            }
            if (command instanceof OperationalCommand && status == Status.CLOSED) {
                throw new IncidentRuleViolation("The incident is closed; reopen it first");
            }
        }
        return chain.proceed();
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
        Long waveSequence = waveSequences.get(command.wave());
        if (waveSequence == null) {
            throw new IncidentRuleViolation("The incident has no attack wave " + command.wave());
        }
        requireFirstActivityNotAfterDetection(command.firstActivityAt(), times.occurredAt(waveSequence));
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
        if (command.severity() == severity) {
            throw new IncidentRuleViolation("The incident's severity is already " + severity);
        }
        apply(new SeverityChanged(incidentId, command.severity(), command.reason(), command.changedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(AssignIncidentCommander command) {
        if (command.commanderId().equals(commanderId)) {
            throw new IncidentRuleViolation(commanderId + " is already the incident commander");
        }
        apply(new IncidentCommanderAssigned(incidentId, command.commanderId(), command.assignedAt()));
        return getVersion();
    }

    // ---- systems and services ------------------------------------------------------------------------------------

    @CommandHandler
    long handle(IsolateSystem command) {
        if (isolatedSystems.containsKey(command.systemId())) {
            throw new IncidentRuleViolation("System " + command.systemId() + " is already isolated");
        }
        IsolationMethod method = command.method() == null ? IsolationMethod.UNRECORDED : command.method();
        apply(new SystemIsolated(incidentId, command.systemId(), command.reason(), method, command.isolatedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ReconnectSystem command) {
        Long isolation = isolatedSystems.get(command.systemId());
        if (isolation == null) {
            throw new IncidentRuleViolation("System " + command.systemId() + " is not isolated");
        }
        Instant isolatedAt = times.occurredAt(isolation);
        if (command.reconnectedAt().isBefore(isolatedAt)) {
            throw new IncidentRuleViolation("System " + command.systemId() + " cannot be reconnected at "
                    + command.reconnectedAt() + ", before it was isolated at " + isolatedAt);
        }
        apply(new SystemReconnected(incidentId, command.systemId(), command.note(), command.reconnectedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ReportServiceDisruption command) {
        Disruption current = disruptedServices.get(command.serviceId());
        if (current != null && current.impact() == command.impact()) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " is already " + command.impact()
                    + " since " + times.occurredAt(current.sequence()));
        }
        apply(new ServiceDisruptionReported(incidentId, command.serviceId(), command.impact(), command.description(),
                command.since()));
        return getVersion();
    }

    @CommandHandler
    long handle(RestoreService command) {
        Disruption current = disruptedServices.get(command.serviceId());
        if (current == null) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " is not disrupted");
        }
        Instant since = times.occurredAt(current.sequence());
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
        if (status != Status.DETECTED) {
            throw new IncidentRuleViolation("Containment can only be declared for a DETECTED incident; it is "
                    + status);
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
        if (status != Status.CONTAINED) {
            throw new IncidentRuleViolation("Only a CONTAINED incident can be resolved; it is " + status);
        }
        Instant containedAt = times.occurredAt(containedSequence);
        if (command.resolvedAt().isBefore(containedAt)) {
            throw new IncidentRuleViolation("Resolution at " + command.resolvedAt()
                    + " cannot precede the containment at " + containedAt);
        }
        apply(new IncidentResolved(incidentId, command.summary(), command.resolvedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(CloseIncident command) {
        if (status != Status.RESOLVED) {
            throw new IncidentRuleViolation("Only a RESOLVED incident can be closed; it is " + status);
        }
        Instant resolvedAt = times.occurredAt(resolvedSequence);
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
        if (status != Status.RESOLVED && status != Status.CLOSED) {
            throw new IncidentRuleViolation("Only a RESOLVED or CLOSED incident can be reopened; it is " + status);
        }
        apply(new IncidentReopened(incidentId, command.reason(), command.reopenedAt()));
        return getVersion();
    }

    private Instant lastDetection() {
        return waveSequences.values().stream().map(times::occurredAt).filter(Objects::nonNull)
                .max(Instant::compareTo).orElseThrow();
    }

    private String openItems() {
        StringBuilder items = new StringBuilder();
        if (!disruptedServices.isEmpty()) {
            items.append("services are disrupted (")
                    .append(String.join(", ", new TreeSet<>(disruptedServices.keySet()))).append(')');
        }
        if (!isolatedSystems.isEmpty()) {
            items.append(items.isEmpty() ? "" : ", ").append("systems are isolated (")
                    .append(String.join(", ", new TreeSet<>(isolatedSystems.keySet()))).append(')');
        }
        SortedSet<String> open = forensics.openAnalyses();
        if (!open.isEmpty()) {
            items.append(items.isEmpty() ? "" : ", ").append("forensic analyses are open (")
                    .append(String.join(", ", open)).append(')');
        }
        return items.toString();
    }

    // ---- status updates and links --------------------------------------------------------------------------------

    @CommandHandler
    long handle(PublishStatusUpdate command) {
        if (command.audience() == Audience.PUBLIC && command.headline() == null && !publiclyNamed) {
            throw new IncidentRuleViolation("The incident's first PUBLIC status update needs a headline: the "
                    + "incident's public name (the public never sees its internal title)");
        }
        apply(new StatusUpdatePublished(incidentId, command.audience(), command.text(), command.headline(),
                command.status(), command.impact(), command.publishedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(LinkIncident command) {
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

    // ---- deadlines of the reporting clocks -------------------------------------------------------------------------

    /** A reporting clock's warning or due time has come; the regulatory reporting decides what it records. */
    @DeadlineHandler
    void on(ObligationDeadline deadline, MetaData metaData) {
        reporting.deadlineReached(incidentId, deadline, metaData);
    }

    // ---- state ----------------------------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(IncidentOpened event) {
        incidentId = event.incidentId();
        status = Status.DETECTED;
        severity = event.severity();
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
    }

    @EventSourcingHandler
    void on(StatusUpdatePublished event) {
        if (event.headline() != null) {
            publiclyNamed = true;
        }
    }

    @EventSourcingHandler
    void on(SeverityChanged event) {
        severity = event.severity();
    }

    @EventSourcingHandler
    void on(IncidentCommanderAssigned event) {
        commanderId = event.commanderId();
    }

    @EventSourcingHandler
    void on(SystemIsolated event, @SequenceNumber long sequence) {
        isolatedSystems.put(event.systemId(), sequence);
    }

    @EventSourcingHandler
    void on(SystemReconnected event) {
        isolatedSystems.remove(event.systemId());
    }

    @EventSourcingHandler
    void on(ServiceDisruptionReported event, @SequenceNumber long sequence) {
        disruptedServices.put(event.serviceId(), new Disruption(event.impact(), sequence));
    }

    @EventSourcingHandler
    void on(ServiceRestored event) {
        disruptedServices.remove(event.serviceId());
    }

    @EventSourcingHandler
    void on(IncidentContained event, @SequenceNumber long sequence) {
        status = Status.CONTAINED;
        containedSequence = sequence;
    }

    @EventSourcingHandler
    void on(IncidentResolved event, @SequenceNumber long sequence) {
        status = Status.RESOLVED;
        resolvedSequence = sequence;
    }

    @EventSourcingHandler
    void on(IncidentClosed event) {
        status = Status.CLOSED;
    }

    @EventSourcingHandler
    void on(IncidentReopened event) {
        status = Status.DETECTED;
    }

    @EventSourcingHandler
    void on(IncidentLinked event) {
        linkedIncidents.add(event.linkedIncidentId());
    }
}
