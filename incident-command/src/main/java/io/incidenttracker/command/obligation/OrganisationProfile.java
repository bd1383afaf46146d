package io.incidenttracker.command.obligation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the organisation is, as far as the reporting regimes care: its sector, the jurisdictions it answers to, whether
 * it runs a critical infrastructure, further flags such as {@code financial-entity} or {@code sec-registrant}, and how
 * long before a due time a warning is raised. Configured under {@code incidenttracker.regulatory.organisation}.
 */
public record OrganisationProfile(String sector, List<String> jurisdictions, boolean criticalInfrastructure,
                                  List<String> flags, Duration warningLeadTime) {

    public OrganisationProfile {
        jurisdictions = jurisdictions == null ? List.of() : List.copyOf(jurisdictions);
        flags = flags == null ? List.of() : List.copyOf(flags);
    }

    /** The documented defaults: a Swiss healthcare provider that runs a critical infrastructure. */
    public static OrganisationProfile swissHealthcareProvider() {
        return new OrganisationProfile("healthcare", List.of("CH"), true, List.of(), Duration.ofHours(4));
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (sector == null || sector.isBlank()) {
            problems.add("organisation.sector is missing (e.g. healthcare)");
        }
        if (jurisdictions.isEmpty()) {
            problems.add("organisation.jurisdictions is empty (e.g. [CH] or [CH, EU])");
        }
        if (warningLeadTime == null || warningLeadTime.isNegative() || warningLeadTime.isZero()) {
            problems.add("organisation.warning-lead-time must be a positive duration (e.g. PT4H)");
        }
        return problems;
    }
}
