package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.incident.ObligationDeadline;
import io.incidenttracker.command.incident.reporting.ReportingCommands.AssessDataImpact;
import io.incidenttracker.command.incident.reporting.ReportingCommands.ClassifyIncident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.command.obligation.TriggerFacts;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.MetaData;

import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.getVersion;

/**
 * An incident's regulatory reporting: the data-impact assessments and classifications that start reporting clocks,
 * the reports to authorities that fulfil them, and the clocks themselves. Part of the Incident aggregate: a member
 * that sees every event of the incident; the incident checks the caller's version before these handlers run and hands
 * the clocks' deadlines to {@link #deadlineReached}.
 * <p>
 * An assessment or classification that establishes a trigger of a regime opens its clocks (the
 * {@link RegulatoryRules} resource computes them from the command's time) and schedules each clock's warning and due
 * time with the deadline manager. A report under the regime fulfils the clock due first, cancels its deadlines and
 * starts the clocks that follow it. No clock is read here: every time comes from a command or a deadline.
 */
public class RegulatoryReporting {

    private int assessments;
    private final Set<String> notificationReferences = new HashSet<>();
    private final Set<Classification> classifications = EnumSet.noneOf(Classification.class);
    /** Every reporting clock started on this incident, by regime and clock, in the order they started. */
    private final Map<String, Obligation> obligations = new LinkedHashMap<>();

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

    @CommandHandler
    long handle(AssessDataImpact command, RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
        if (command.personalData() == Certainty.NONE_KNOWN && command.estimatedPeople() != null
                && command.estimatedPeople() > 0) {
            throw new IncidentRuleViolation("An estimate of " + command.estimatedPeople()
                    + " people needs personal data to be at least SUSPECTED");
        }
        apply(new DataImpactAssessed(command.incidentId(), assessments + 1, command.personalData(),
                command.dataCategories(), command.estimatedPeople(), command.exfiltration(), command.encryption(),
                command.rationale(), command.assessedAt()));
        startClocks(rules.opening(command.incidentId(), TriggerFacts.ofPersonalData(command.personalData()),
                openRegimes(), command.assessedAt()), deadlines, metaData);
        return getVersion();
    }

    @CommandHandler
    long handle(ClassifyIncident command, RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
        Set<Classification> next = EnumSet.noneOf(Classification.class);
        next.addAll(command.classifications());
        if (next.equals(classifications)) {
            throw new IncidentRuleViolation("The incident is already classified as "
                    + (next.isEmpty() ? "nothing" : next.toString()));
        }
        Set<Classification> added = EnumSet.copyOf(next);
        added.removeAll(classifications);
        apply(new IncidentClassified(command.incidentId(), List.copyOf(next), command.basis(),
                command.classifiedAt()));
        startClocks(rules.opening(command.incidentId(), TriggerFacts.ofClassifications(added), openRegimes(),
                command.classifiedAt()), deadlines, metaData);
        return getVersion();
    }

    @CommandHandler
    long handle(NotifyAuthority command, RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
        if (command.reference() != null && notificationReferences.contains(referenceKey(command.authority(),
                command.reference()))) {
            throw new IncidentRuleViolation("A notification to " + command.authority() + " with reference "
                    + command.reference() + " is already recorded");
        }
        apply(new AuthorityNotified(command.incidentId(), command.authority(), command.regime(), command.reference(),
                command.summary(), command.notifiedAt()));
        fulfil(command.incidentId(), command.regime(), getVersion(), command.notifiedAt(), rules, deadlines,
                metaData);
        return getVersion();
    }

    /**
     * A clock's warning or due time has come. Nothing happens for a clock that was fulfilled meanwhile (its deadlines
     * are cancelled then, this guards a deadline already under way) or that already warned or missed. The events
     * carry the deadline's actor (the clock) and the correlation id of the command that started it: no command's
     * unit of work is there to supply them.
     */
    public void deadlineReached(UUID incidentId, ObligationDeadline deadline, MetaData metaData) {
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
    private void fulfil(UUID incidentId, String regime, long notificationSequence, Instant notifiedAt,
                        RegulatoryRules rules, DeadlineManager deadlines, MetaData metaData) {
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

    private static String referenceKey(String authority, String reference) {
        return authority + "\n" + reference;
    }

    // ---- state ----------------------------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(DataImpactAssessed event) {
        assessments = event.revision();
    }

    @EventSourcingHandler
    void on(AuthorityNotified event) {
        if (event.reference() != null) {
            notificationReferences.add(referenceKey(event.authority(), event.reference()));
        }
    }

    @EventSourcingHandler
    void on(IncidentClassified event) {
        classifications.clear();
        classifications.addAll(event.classifications());
    }

    @EventSourcingHandler
    void on(ObligationOpened event, @SequenceNumber long sequence) {
        obligations.put(obligationKey(event.regime(), event.clock()), new Obligation(event.regime(), event.clock(),
                event.trigger(), event.dueAt(), sequence, false, false, false));
    }

    @EventSourcingHandler
    void on(ObligationWarningRaised event) {
        obligations.computeIfPresent(obligationKey(event.regime(), event.clock()), (key, o) -> o.withWarning());
    }

    @EventSourcingHandler
    void on(ObligationDeadlineMissed event) {
        obligations.computeIfPresent(obligationKey(event.regime(), event.clock()), (key, o) -> o.withMiss());
    }

    @EventSourcingHandler
    void on(ObligationFulfilled event) {
        obligations.computeIfPresent(obligationKey(event.regime(), event.clock()), (key, o) -> o.withFulfilment());
    }
}
