package io.incidenttracker.command.obligation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rule data of the reporting clocks, as read from the rules file ({@code regulatory/regimes.yml} by default):
 * which regimes exist, to whom they apply, which facts start them and which clocks they run. Data, not code: an
 * organisation corrects or extends the file without a change to the product.
 */
public record RegimeRules(List<Regime> regimes) {

    /** The facts of an incident that can establish awareness for a regime. */
    public static final Set<String> FACTS = Set.of(
            TriggerFacts.PERSONAL_DATA_SUSPECTED, TriggerFacts.PERSONAL_DATA_CONFIRMED,
            TriggerFacts.CRITICAL_INFRASTRUCTURE_AFFECTED, TriggerFacts.SIGNIFICANT, TriggerFacts.MAJOR_ICT_INCIDENT,
            TriggerFacts.MATERIAL, TriggerFacts.HIGH_RISK_TO_DATA_SUBJECTS);

    private static final String ID = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    public RegimeRules {
        regimes = regimes == null ? List.of() : List.copyOf(regimes);
    }

    /** One regulatory regime, for example the Swiss ISG. */
    public record Regime(String id, String name, Applicability appliesTo, List<String> triggers, List<ClockRule> clocks) {
        public Regime {
            appliesTo = appliesTo == null ? new Applicability(null, null, null, null) : appliesTo;
            triggers = triggers == null ? List.of() : List.copyOf(triggers);
            clocks = clocks == null ? List.of() : List.copyOf(clocks);
        }
    }

    /** To whom a regime applies; every given criterion must hold, an absent one holds always. */
    public record Applicability(List<String> jurisdictions, List<String> sectors, Boolean criticalInfrastructure,
                                List<String> flags) {
        public Applicability {
            jurisdictions = jurisdictions == null ? List.of() : List.copyOf(jurisdictions);
            sectors = sectors == null ? List.of() : List.copyOf(sectors);
            flags = flags == null ? List.of() : List.copyOf(flags);
        }

        boolean matches(OrganisationProfile organisation) {
            return (jurisdictions.isEmpty() || jurisdictions.stream().anyMatch(organisation.jurisdictions()::contains))
                    && (sectors.isEmpty() || sectors.contains(organisation.sector()))
                    && (criticalInfrastructure == null || !criticalInfrastructure
                        || organisation.criticalInfrastructure())
                    && organisation.flags().containsAll(flags);
        }
    }

    /**
     * One reporting clock of a regime: due {@code dueAfter} after its start, which is the awareness of the trigger,
     * or the report of the clock {@code startsAfter} names.
     */
    public record ClockRule(String id, String name, String recipient, Duration dueAfter, String startsAfter,
                            Duration warnBefore, List<String> reportFields) {
        public ClockRule {
            reportFields = reportFields == null ? List.of() : List.copyOf(reportFields);
        }
    }

    /** Reads a rules file (YAML or JSON); unknown keys are refused, so that a misspelt rule is not silently lost. */
    public static RegimeRules read(InputStream in, String location) {
        Object tree;
        try (in) {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException | RuntimeException e) {
            throw new InvalidRegulatoryConfiguration(List.of("cannot read the rules file " + location + ": "
                    + e.getMessage()));
        }
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return mapper.convertValue(tree, RegimeRules.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidRegulatoryConfiguration(List.of("the rules file " + location + " does not fit its form: "
                    + e.getMessage()));
        }
    }

    /** Every problem of the rule data, in words an operator can act on; empty when the rules are sound. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<String> regimeIds = new HashSet<>();
        for (int i = 0; i < regimes.size(); i++) {
            Regime regime = regimes.get(i);
            String where = "regimes[" + i + "]" + (regime.id() == null ? "" : " (" + regime.id() + ")");
            if (regime.id() == null || !regime.id().matches(ID)) {
                problems.add(where + ": id is missing or not of the form " + ID);
            } else if (!regimeIds.add(regime.id())) {
                problems.add(where + ": the id is used twice");
            }
            if (regime.name() == null || regime.name().isBlank()) {
                problems.add(where + ": name is missing");
            }
            if (regime.triggers().isEmpty()) {
                problems.add(where + ": triggers is empty; name at least one of " + new TreeSet<>(FACTS));
            }
            for (String trigger : regime.triggers()) {
                if (!FACTS.contains(trigger)) {
                    problems.add(where + ": unknown trigger '" + trigger + "'; known are "
                            + new TreeSet<>(FACTS));
                }
            }
            clockProblems(regime, where, problems);
        }
        return problems;
    }

    private static void clockProblems(Regime regime, String where, List<String> problems) {
        if (regime.clocks().isEmpty()) {
            problems.add(where + ": clocks is empty");
        }
        Set<String> clockIds = new HashSet<>();
        for (ClockRule clock : regime.clocks()) {
            if (clock.id() == null || !clock.id().matches(ID)) {
                problems.add(where + ": a clock id is missing or not of the form " + ID);
            } else if (!clockIds.add(clock.id())) {
                problems.add(where + ": clock " + clock.id() + " is defined twice");
            }
        }
        for (ClockRule clock : regime.clocks()) {
            String at = where + ", clock " + clock.id();
            if (clock.name() == null || clock.name().isBlank()) {
                problems.add(at + ": name is missing");
            }
            if (clock.recipient() == null || clock.recipient().isBlank()) {
                problems.add(at + ": recipient is missing");
            }
            if (clock.dueAfter() == null || clock.dueAfter().isNegative() || clock.dueAfter().isZero()) {
                problems.add(at + ": due-after must be a positive ISO-8601 duration such as PT24H");
            }
            if (clock.warnBefore() != null && (clock.warnBefore().isNegative() || clock.warnBefore().isZero())) {
                problems.add(at + ": warn-before must be a positive ISO-8601 duration");
            }
            if (clock.startsAfter() != null && (!clockIds.contains(clock.startsAfter())
                    || clock.startsAfter().equals(clock.id()))) {
                problems.add(at + ": starts-after names no other clock of " + regime.id());
            }
        }
        if (regime.clocks().stream().allMatch(clock -> clock.startsAfter() != null)) {
            problems.add(where + ": every clock starts after another; at least one must start at awareness");
        }
    }
}
