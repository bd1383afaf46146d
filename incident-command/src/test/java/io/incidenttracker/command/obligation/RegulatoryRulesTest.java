package io.incidenttracker.command.obligation;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which regimes apply is configuration, and the rules are data: both checked at start-up with clear errors. */
class RegulatoryRulesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(RegulatoryConfiguration.class);

    private static List<String> regimes(String... properties) {
        AtomicReference<List<String>> found = new AtomicReference<>();
        new ApplicationContextRunner().withUserConfiguration(RegulatoryConfiguration.class)
                .withPropertyValues(properties)
                .run(started -> {
                    assertThat(started).hasNotFailed();
                    found.set(started.getBean(RegulatoryRules.class).regimeIds());
                });
        return found.get();
    }

    @Test
    void theDefaultsOfASwissHealthcareProviderApplyTheIsgAndTheNdsg() {
        assertThat(regimes()).containsExactly("CH-ISG", "CH-NDSG");
    }

    @Test
    void anOrganisationThatRunsNoCriticalInfrastructureHasNoIsgClock() {
        assertThat(regimes("incidenttracker.regulatory.organisation.critical-infrastructure=false"))
                .containsExactly("CH-NDSG");
    }

    @Test
    void answeringToTheEuAddsGdprAndNis2ForAHealthcareProvider() {
        assertThat(regimes("incidenttracker.regulatory.organisation.jurisdictions=CH,EU"))
                .containsExactly("CH-ISG", "CH-NDSG", "EU-GDPR-33", "EU-GDPR-34", "EU-NIS2");
    }

    @Test
    void aFinancialEntityInTheEuHasDoraButNoNis2OutsideItsSectors() {
        assertThat(regimes("incidenttracker.regulatory.organisation.jurisdictions=EU",
                "incidenttracker.regulatory.organisation.sector=insurance",
                "incidenttracker.regulatory.organisation.critical-infrastructure=false",
                "incidenttracker.regulatory.organisation.flags=financial-entity"))
                .containsExactly("EU-GDPR-33", "EU-GDPR-34", "EU-DORA");
    }

    @Test
    void aUsListedHealthcareProviderHasHipaaAndTheSecFiling() {
        assertThat(regimes("incidenttracker.regulatory.organisation.jurisdictions=US",
                "incidenttracker.regulatory.organisation.flags=sec-registrant"))
                .containsExactly("US-HIPAA", "US-SEC-8K");
    }

    @Test
    void anotherRulesFileChangesTheRegimesWithoutACodeChange() {
        assertThat(regimes("incidenttracker.regulatory.rules-location=classpath:regulatory/test-regimes.yml"))
                .containsExactly("CH-INTERNAL");
    }

    @Test
    void startUpRefusesAnOrganisationWithoutSectorOrWarningLeadTime() {
        context.withPropertyValues("incidenttracker.regulatory.organisation.sector= ",
                        "incidenttracker.regulatory.organisation.warning-lead-time=-PT1H")
                .run(started -> assertThat(started).hasFailed().getFailure()
                        .rootCause().isInstanceOf(InvalidRegulatoryConfiguration.class)
                        .hasMessageContaining("organisation.sector is missing")
                        .hasMessageContaining("organisation.warning-lead-time must be a positive duration"));
    }

    @Test
    void startUpRefusesAMissingRulesFile() {
        context.withPropertyValues("incidenttracker.regulatory.rules-location=classpath:regulatory/none.yml")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("the rules file classpath:regulatory/none.yml does not exist"));
    }

    @Test
    void unsoundRulesAreRefusedWithEveryProblemNamed() {
        RegimeRules rules = read("""
                regimes:
                  - id: X
                    name: Twice
                    triggers: [personal-data-suspected]
                    clocks: [{id: a, name: A, recipient: R, due-after: PT1H}]
                  - id: X
                    name: ""
                    triggers: [patient-data-lost]
                    clocks:
                      - {id: a, name: A, recipient: R, due-after: -PT1H}
                      - {id: b, name: B, recipient: "", due-after: PT2H, starts-after: c}
                """);
        assertThat(rules.problems()).containsExactly(
                "regimes[1] (X): the id is used twice",
                "regimes[1] (X): name is missing",
                "regimes[1] (X): unknown trigger 'patient-data-lost'; known are [critical-infrastructure-affected, "
                        + "high-risk-to-data-subjects, major-ict-incident, material, personal-data-confirmed, "
                        + "personal-data-suspected, significant]",
                "regimes[1] (X), clock a: due-after must be a positive ISO-8601 duration such as PT24H",
                "regimes[1] (X), clock b: recipient is missing",
                "regimes[1] (X), clock b: starts-after names no other clock of X");
        assertThatThrownBy(() -> new RegulatoryRules(rules, OrganisationProfile.swissHealthcareProvider()))
                .isInstanceOf(InvalidRegulatoryConfiguration.class)
                .hasMessageStartingWith("Invalid regulatory configuration:\n  - regimes[1] (X): the id is used twice");
    }

    @Test
    void aMisspeltKeyIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> read("""
                regimes:
                  - id: X
                    name: X
                    triggers: [significant]
                    clocks: [{id: a, name: A, recipient: R, due-afer: PT1H}]
                """)).isInstanceOf(InvalidRegulatoryConfiguration.class).hasMessageContaining("due-afer");
    }

    @Test
    void theWarningNeverLiesBeforeTheClocksStart() {
        RegulatoryRules rules = new RegulatoryRules(read("""
                regimes:
                  - id: X
                    name: X
                    triggers: [significant]
                    clocks: [{id: a, name: A, recipient: R, due-after: PT2H}]
                """), new OrganisationProfile("healthcare", List.of("CH"), true, List.of(), Duration.ofHours(4)));
        Instant at = Instant.parse("2023-09-04T19:00:00Z");
        var opened = rules.opening(UUID.randomUUID(), Set.of("significant"), List.of(), at);
        assertThat(opened).singleElement().satisfies(o -> {
            assertThat(o.warnAt()).isEqualTo(at);
            assertThat(o.dueAt()).isEqualTo(at.plus(Duration.ofHours(2)));
        });
    }

    private static RegimeRules read(String yaml) {
        return RegimeRules.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test");
    }
}
