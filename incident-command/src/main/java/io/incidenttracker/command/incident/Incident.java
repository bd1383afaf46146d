package io.incidenttracker.command.incident;

import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.SystemIsolated;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

/**
 * One cyber incident, from the first detection on. Rules are checked in the command handlers; state changes only
 * in the event-sourcing handlers. Every handler answers the incident's new version: the sequence number of its last
 * event.
 */
@Aggregate
public class Incident {

    @AggregateIdentifier
    private UUID incidentId;
    private int waves;
    private final Set<String> isolatedSystems = new HashSet<>();
    private final Map<String, Disruption> disruptedServices = new HashMap<>();

    /** A service that is currently degraded or unavailable. */
    private record Disruption(ServiceImpact impact, Instant since) {
    }

    protected Incident() {
        // for Axon: rebuilt from its events
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    long handle(OpenIncident command) {
        apply(new IncidentOpened(command.incidentId(), command.title(), command.severity(), command.detectedAt()));
        apply(new AttackDetected(command.incidentId(), 1, command.attackType(), command.severity(),
                command.description(), command.affectedSystems(), command.techniques(), command.detectedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(DetectAttack command) {
        checkVersion(command.expectedVersion());
        apply(new AttackDetected(incidentId, waves + 1, command.attackType(), command.severity(),
                command.description(), command.affectedSystems(), command.techniques(), command.detectedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(IsolateSystem command) {
        checkVersion(command.expectedVersion());
        if (isolatedSystems.contains(command.systemId())) {
            throw new IncidentRuleViolation("System " + command.systemId() + " is already isolated");
        }
        apply(new SystemIsolated(incidentId, command.systemId(), command.reason(), command.isolatedAt()));
        return getVersion();
    }

    @CommandHandler
    long handle(ReportServiceDisruption command) {
        checkVersion(command.expectedVersion());
        Disruption current = disruptedServices.get(command.serviceId());
        if (current != null && current.impact() == command.impact()) {
            throw new IncidentRuleViolation(
                    "Service " + command.serviceId() + " is already " + command.impact() + " since " + current.since());
        }
        apply(new ServiceDisruptionReported(incidentId, command.serviceId(), command.impact(), command.description(),
                command.since()));
        return getVersion();
    }

    @CommandHandler
    long handle(RestoreService command) {
        checkVersion(command.expectedVersion());
        Disruption current = disruptedServices.get(command.serviceId());
        if (current == null) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " is not disrupted");
        }
        if (command.restoredAt().isBefore(current.since())) {
            throw new IncidentRuleViolation("Service " + command.serviceId() + " cannot be restored at "
                    + command.restoredAt() + ", before its disruption began at " + current.since());
        }
        apply(new ServiceRestored(incidentId, command.serviceId(), command.note(), command.restoredAt()));
        return getVersion();
    }

    private void checkVersion(Long expectedVersion) {
        long actual = getVersion();
        if (expectedVersion != null && expectedVersion != actual) {
            throw new VersionMismatch(expectedVersion, actual);
        }
    }

    @EventSourcingHandler
    void on(IncidentOpened event) {
        incidentId = event.incidentId();
    }

    @EventSourcingHandler
    void on(AttackDetected event) {
        waves = event.wave();
    }

    @EventSourcingHandler
    void on(SystemIsolated event) {
        isolatedSystems.add(event.systemId());
    }

    @EventSourcingHandler
    void on(ServiceDisruptionReported event) {
        disruptedServices.put(event.serviceId(), new Disruption(event.impact(), event.occurredAt()));
    }

    @EventSourcingHandler
    void on(ServiceRestored event) {
        disruptedServices.remove(event.serviceId());
    }
}
