package io.incidenttracker.command.obligation;

import io.incidenttracker.command.obligation.RegimeRules.ClockRule;
import io.incidenttracker.command.obligation.RegimeRules.Regime;
import io.incidenttracker.events.incident.ObligationOpened;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The regimes that apply to this organisation, ready for the Incident aggregate: it is handed to the command handlers
 * as a resource, never read from a clock or a file there. It turns the facts a command establishes into the
 * {@link ObligationOpened} events to apply, with every time computed from the command's own times, so that the
 * events alone replay the incident.
 */
public final class RegulatoryRules {

    private final List<Regime> regimes;
    private final Duration warningLeadTime;

    public RegulatoryRules(RegimeRules rules, OrganisationProfile organisation) {
        List<String> problems = new ArrayList<>(rules.problems());
        problems.addAll(organisation.problems());
        if (!problems.isEmpty()) {
            throw new InvalidRegulatoryConfiguration(problems);
        }
        this.regimes = rules.regimes().stream().filter(regime -> regime.appliesTo().matches(organisation)).toList();
        this.warningLeadTime = organisation.warningLeadTime();
    }

    /** No regime applies: facts start no clock. */
    public static RegulatoryRules none() {
        return new RegulatoryRules(new RegimeRules(List.of()), OrganisationProfile.swissHealthcareProvider());
    }

    /** The ids of the regimes that apply to the organisation, in the order of the rules file. */
    public List<String> regimeIds() {
        return regimes.stream().map(Regime::id).toList();
    }

    /**
     * The clocks that the given facts start at {@code awareAt}: for every applicable regime that is not open yet on
     * the incident and that one of the facts triggers, its clocks that start at awareness.
     */
    public List<ObligationOpened> opening(UUID incidentId, Set<String> facts, Collection<String> openRegimes,
                                          Instant awareAt) {
        List<ObligationOpened> opened = new ArrayList<>();
        for (Regime regime : regimes) {
            if (openRegimes.contains(regime.id())) {
                continue;
            }
            Optional<String> trigger = regime.triggers().stream().filter(facts::contains).findFirst();
            trigger.ifPresent(fact -> regime.clocks().stream()
                    .filter(clock -> clock.startsAfter() == null)
                    .forEach(clock -> opened.add(open(incidentId, regime, clock, fact, awareAt))));
        }
        return opened;
    }

    /** The clocks of a regime that the report of {@code clock}, made at {@code reportedAt}, starts. */
    public List<ObligationOpened> followUps(UUID incidentId, String regimeId, String clock,
                                            String trigger, Instant reportedAt) {
        return regimes.stream().filter(regime -> regime.id().equals(regimeId)).findFirst()
                .map(regime -> regime.clocks().stream()
                        .filter(next -> clock.equals(next.startsAfter()))
                        .map(next -> open(incidentId, regime, next, trigger, reportedAt))
                        .toList())
                .orElse(List.of());
    }

    private ObligationOpened open(UUID incidentId, Regime regime, ClockRule clock, String trigger,
                                  Instant startsAt) {
        Instant dueAt = startsAt.plus(clock.dueAfter());
        Duration lead = clock.warnBefore() != null ? clock.warnBefore() : warningLeadTime;
        Instant warnAt = dueAt.minus(lead);
        if (warnAt.isBefore(startsAt)) {
            warnAt = startsAt;
        }
        return new ObligationOpened(incidentId, regime.id(), regime.name(), clock.id(), clock.name(),
                clock.recipient(), trigger, dueAt, warnAt, clock.reportFields(), startsAt);
    }
}
