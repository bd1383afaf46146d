package io.incidenttracker.command.obligation;

import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/** The names the rules file uses for the facts of an incident that establish awareness for a regime. */
public final class TriggerFacts {

    /** A data-impact assessment says personal data is at least SUSPECTED to be affected. */
    public static final String PERSONAL_DATA_SUSPECTED = "personal-data-suspected";
    /** A data-impact assessment says personal data is CONFIRMED to be affected. */
    public static final String PERSONAL_DATA_CONFIRMED = "personal-data-confirmed";
    public static final String CRITICAL_INFRASTRUCTURE_AFFECTED = "critical-infrastructure-affected";
    public static final String SIGNIFICANT = "significant";
    public static final String MAJOR_ICT_INCIDENT = "major-ict-incident";
    public static final String MATERIAL = "material";
    public static final String HIGH_RISK_TO_DATA_SUBJECTS = "high-risk-to-data-subjects";

    private TriggerFacts() {
    }

    /** What a data-impact assessment establishes about personal data. */
    public static Set<String> ofPersonalData(Certainty personalData) {
        Set<String> facts = new LinkedHashSet<>();
        if (personalData == Certainty.SUSPECTED || personalData == Certainty.CONFIRMED) {
            facts.add(PERSONAL_DATA_SUSPECTED);
        }
        if (personalData == Certainty.CONFIRMED) {
            facts.add(PERSONAL_DATA_CONFIRMED);
        }
        return facts;
    }

    /** What a classification establishes: each classification is a fact of the same name in kebab case. */
    public static Set<String> ofClassifications(Collection<Classification> classifications) {
        Set<String> facts = new LinkedHashSet<>();
        for (Classification classification : classifications) {
            facts.add(classification.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return facts;
    }
}
