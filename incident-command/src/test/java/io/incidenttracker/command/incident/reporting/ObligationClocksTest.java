package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.ObligationDeadline;
import io.incidenttracker.command.incident.reporting.ReportingCommands.AssessDataImpact;
import io.incidenttracker.command.incident.reporting.ReportingCommands.ClassifyIncident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.command.obligation.OrganisationProfile;
import io.incidenttracker.command.obligation.RegimeRules;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The reporting clocks of the incident ({@link RegulatoryReporting}) with time elapsing: each regime's clocks of the
 * shipped rules file warn before their due time and record a miss at it; a report fulfils the clock due first, on time
 * or late, and starts the clocks that follow it; a revised assessment or classification starts a clock when it first
 * establishes the trigger.
 */
class ObligationClocksTest {

    static final UUID ID = UUID.fromString("3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c");
    static final RegimeRules SHIPPED = RegimeRules.read(
            ObligationClocksTest.class.getResourceAsStream("/regulatory/regimes.yml"), "regimes.yml");
    /** In scope of every shipped regime. */
    static final OrganisationProfile EVERYWHERE = new OrganisationProfile("healthcare", List.of("CH", "EU", "US"),
            true, List.of("financial-entity", "sec-registrant"), Duration.ofHours(4));

    private AggregateTestFixture<Incident> fixture;
    private Instant t0;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Incident.class);
        t0 = fixture.currentTime().truncatedTo(ChronoUnit.SECONDS);
    }

    private void onlyRegime(String regime) {
        fixture.registerInjectableResource(new RegulatoryRules(new RegimeRules(SHIPPED.regimes().stream()
                .filter(r -> r.id().equals(regime)).toList()), EVERYWHERE));
    }

    private void rules(OrganisationProfile organisation) {
        fixture.registerInjectableResource(new RegulatoryRules(SHIPPED, organisation));
    }

    private Object[] opened() {
        return new Object[]{new IncidentOpened(ID, "Cyberattack", Severity.HIGH, t0.minus(Duration.ofHours(2))),
                new AttackDetected(ID, 1, AttackType.RANSOMWARE, Severity.HIGH, null, List.of("crm"), List.of(),
                        t0.minus(Duration.ofHours(2)))};
    }

    private static Object trigger(String fact, Instant at) {
        return switch (fact) {
            case "personal-data-suspected" -> assess(Certainty.SUSPECTED, at);
            case "personal-data-confirmed" -> assess(Certainty.CONFIRMED, at);
            default -> new ClassifyIncident(ID, null, List.of(Classification.valueOf(
                    fact.toUpperCase().replace('-', '_'))), "judged so", at);
        };
    }

    private static AssessDataImpact assess(Certainty personalData, Instant at) {
        return new AssessDataImpact(ID, null, personalData, List.of("health-data"), null, Certainty.NONE_KNOWN,
                Certainty.CONFIRMED, null, at);
    }

    /** The two events of a clock that runs out: the warning {@code lead} before its due time, then the miss. */
    private static Object[] warningThenMiss(String regime, String clock, Instant dueAt, Duration lead) {
        return new Object[]{new ObligationWarningRaised(ID, regime, clock, dueAt, dueAt.minus(lead)),
                new ObligationDeadlineMissed(ID, regime, clock, dueAt, dueAt)};
    }

    private static NotifyAuthority notify(String regime, Instant at) {
        return new NotifyAuthority(ID, null, "authority", regime, null, at, null);
    }

    /**
     * Every clock of the shipped rules: its trigger at t0, the reports made before it (one hour apart from t0 + 1 h,
     * each fulfilling the clock due first), then time runs to its due time: first the warning, then the miss.
     */
    @ParameterizedTest(name = "{0} {2}: due {4} after its start, warning {5} before")
    @CsvSource({
            // regime,   trigger,                          clock,                 reports before, due after, warn before
            "CH-ISG,     critical-infrastructure-affected, initial-report,        0, PT24H,  PT4H",
            "CH-ISG,     critical-infrastructure-affected, completion,            1, P14D,   PT4H",
            "CH-NDSG,    personal-data-suspected,          fdpic-report,          0, PT72H,  PT4H",
            "CH-NDSG,    high-risk-to-data-subjects,       fdpic-report,          0, PT72H,  PT4H",
            "EU-GDPR-33, personal-data-suspected,          supervisory-authority, 0, PT72H,  PT4H",
            "EU-GDPR-34, high-risk-to-data-subjects,       data-subjects,         0, PT72H,  PT4H",
            "EU-NIS2,    significant,                      early-warning,         0, PT24H,  PT4H",
            "EU-NIS2,    significant,                      incident-notification, 1, PT72H,  PT4H",
            "EU-NIS2,    significant,                      final-report,          2, P30D,   PT4H",
            "EU-DORA,    major-ict-incident,               initial-notification,  0, PT4H,   PT1H",
            "EU-DORA,    major-ict-incident,               intermediate-report,   1, PT72H,  PT4H",
            "EU-DORA,    major-ict-incident,               final-report,          2, P30D,   PT4H",
            "US-HIPAA,   personal-data-confirmed,          individuals,           0, P60D,   PT4H",
            "US-SEC-8K,  material,                         form-8k,               0, P4D,    PT4H",
    })
    void eachClockWarnsBeforeItsDueTimeThenRecordsTheMiss(String regime, String fact, String clock, int reportsBefore,
                                                          Duration dueAfter, Duration warnBefore) {
        onlyRegime(regime);
        List<Object> given = new ArrayList<>();
        given.add(trigger(fact, t0));
        Instant start = t0;
        for (int i = 1; i <= reportsBefore; i++) {
            given.add(notify(regime, t0.plus(Duration.ofHours(i))));
        }
        boolean followsAReport = List.of("final-report", "intermediate-report").contains(clock);
        if (followsAReport) {
            start = t0.plus(Duration.ofHours(reportsBefore));
        }
        Instant dueAt = start.plus(dueAfter);

        fixture.given(opened())
                .andGivenCommands(given)
                .whenTimeAdvancesTo(dueAt)
                .expectSuccessfulHandlerExecution()
                .expectEvents(warningThenMiss(regime, clock, dueAt, warnBefore));
    }

    @Test
    void aClockWarnsOnceItsWarningTimeHasElapsedAndHasNotMissedYet() {
        onlyRegime("EU-DORA");
        Instant dueAt = t0.plus(Duration.ofHours(4));
        fixture.given(opened())
                .andGivenCommands(trigger("major-ict-incident", t0))
                .whenTimeElapses(Duration.ofHours(3))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new ObligationWarningRaised(ID, "EU-DORA", "initial-notification", dueAt,
                        dueAt.minus(Duration.ofHours(1))));
    }

    @Test
    void aClockStaysSilentBeforeItsWarningTime() {
        onlyRegime("EU-DORA");
        fixture.given(opened())
                .andGivenCommands(trigger("major-ict-incident", t0))
                .whenTimeElapses(Duration.ofHours(2))
                .expectNoEvents();
    }

    @Test
    void aFulfilledClockNeitherWarnsNorMissesWhenItsTimesElapse() {
        onlyRegime("EU-DORA");
        fixture.given(opened())
                .andGivenCommands(trigger("major-ict-incident", t0), notify("EU-DORA", t0.plus(Duration.ofHours(1))))
                .whenTimeElapses(Duration.ofHours(5))
                .expectNoEvents();
    }

    @Test
    void aCriticalInfrastructureClassificationStartsTheIsgClocksFromTheClassificationTime() {
        onlyRegime("CH-ISG");
        fixture.given(opened())
                .when(new ClassifyIncident(ID, null, List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED),
                        "Booking of a hospital down", t0))
                .expectEvents(
                        new IncidentClassified(ID, List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED),
                                "Booking of a hospital down", t0),
                        new ObligationOpened(ID, "CH-ISG", "Swiss Information Security Act (ISG) Art. 74a-74h",
                                "initial-report", "Report of the cyberattack to the NCSC", "NCSC",
                                "critical-infrastructure-affected", t0.plus(Duration.ofHours(24)),
                                t0.plus(Duration.ofHours(20)), List.of("detected-at", "attack-types", "techniques",
                                "severity", "extortion", "criminal-complaint", "impact-on-functioning",
                                "confidentiality-integrity-availability"), t0),
                        new ObligationOpened(ID, "CH-ISG", "Swiss Information Security Act (ISG) Art. 74a-74h",
                                "completion", "Missing details completed", "NCSC",
                                "critical-infrastructure-affected", t0.plus(Duration.ofDays(14)),
                                t0.plus(Duration.ofDays(14)).minus(Duration.ofHours(4)),
                                List.of("attacker", "first-activity-at", "measures", "root-cause"), t0))
                .expectScheduledDeadline(t0.plus(Duration.ofHours(20)), new ObligationDeadline("CH-ISG",
                        "initial-report", ObligationDeadline.Kind.WARNING, t0.plus(Duration.ofHours(20))))
                .expectScheduledDeadline(t0.plus(Duration.ofHours(24)), new ObligationDeadline("CH-ISG",
                        "initial-report", ObligationDeadline.Kind.DUE, t0.plus(Duration.ofHours(24))));
    }

    @Test
    void aReportBeforeTheDueTimeFulfilsTheClockDueFirstAndNothingFiresForItAnyMore() {
        onlyRegime("CH-ISG");
        Instant reportedAt = t0.plus(Duration.ofHours(10));
        fixture.given(opened())
                .andGivenCommands(trigger("critical-infrastructure-affected", t0))
                .when(new NotifyAuthority(ID, null, "NCSC", "ch-isg", "NCSC-2023-0815", reportedAt, null))
                .expectEvents(new AuthorityNotified(ID, "NCSC", "ch-isg", "NCSC-2023-0815", null, reportedAt),
                        new ObligationFulfilled(ID, "CH-ISG", "initial-report", t0.plus(Duration.ofHours(24)),
                                5, false, reportedAt))
                .expectNoScheduledDeadlineWithName(t0, t0.plus(Duration.ofDays(1)),
                        ObligationDeadline.deadlineName(ObligationDeadline.Kind.DUE, "CH-ISG", "initial-report"))
                .expectNoScheduledDeadlineWithName(t0, t0.plus(Duration.ofDays(1)),
                        ObligationDeadline.deadlineName(ObligationDeadline.Kind.WARNING, "CH-ISG", "initial-report"));
    }

    @Test
    void afterAnInTimeReportOnlyTheRemainingClockWarnsAndMisses() {
        onlyRegime("CH-ISG");
        Instant completionDue = t0.plus(Duration.ofDays(14));
        fixture.given(opened())
                .andGivenCommands(trigger("critical-infrastructure-affected", t0),
                        notify("CH-ISG", t0.plus(Duration.ofHours(10))))
                .whenTimeAdvancesTo(completionDue)
                .expectEvents(warningThenMiss("CH-ISG", "completion", completionDue, Duration.ofHours(4)));
    }

    @Test
    void aReportAfterTheDueTimeIsRecordedAsALateFulfilment() {
        onlyRegime("CH-NDSG");
        Instant due = t0.plus(Duration.ofHours(72));
        Instant late = due.plus(Duration.ofHours(5));
        fixture.given(opened())
                .andGivenCommands(trigger("personal-data-suspected", t0))
                .when(notify("CH-NDSG", late))
                .expectEvents(new AuthorityNotified(ID, "authority", "CH-NDSG", null, null, late),
                        new ObligationFulfilled(ID, "CH-NDSG", "fdpic-report", due, 4, true, late));
    }

    @Test
    void theReportOfTheNis2NotificationStartsTheFinalReportClockAtTheReportTime() {
        onlyRegime("EU-NIS2");
        Instant notifiedAt = t0.plus(Duration.ofHours(50));
        Instant finalDue = notifiedAt.plus(Duration.ofDays(30));
        fixture.given(opened())
                .andGivenCommands(trigger("significant", t0), notify("EU-NIS2", t0.plus(Duration.ofHours(20))))
                .when(notify("EU-NIS2", notifiedAt))
                .expectEvents(new AuthorityNotified(ID, "authority", "EU-NIS2", null, null, notifiedAt),
                        new ObligationFulfilled(ID, "EU-NIS2", "incident-notification", t0.plus(Duration.ofHours(72)),
                                7, false, notifiedAt),
                        new ObligationOpened(ID, "EU-NIS2", "EU NIS2 Directive Art. 23", "final-report",
                                "Final report (one month after the incident notification)", "National CSIRT",
                                "significant", finalDue, finalDue.minus(Duration.ofHours(4)),
                                List.of("root-cause", "measures", "cross-border-impact"), notifiedAt))
                .expectScheduledDeadline(finalDue, new ObligationDeadline("EU-NIS2", "final-report",
                        ObligationDeadline.Kind.DUE, finalDue));
    }

    @Test
    void aRevisedAssessmentThatFirstSuspectsPersonalDataStartsTheClockAtItsOwnTime() {
        onlyRegime("CH-NDSG");
        Instant revised = t0.plus(Duration.ofDays(3));
        Instant due = revised.plus(Duration.ofHours(72));
        fixture.given(opened())
                .andGivenCommands(assess(Certainty.NONE_KNOWN, t0))
                .when(assess(Certainty.SUSPECTED, revised))
                .expectEvents(new DataImpactAssessed(ID, 2, Certainty.SUSPECTED, List.of("health-data"), null,
                                Certainty.NONE_KNOWN, Certainty.CONFIRMED, null, revised),
                        new ObligationOpened(ID, "CH-NDSG", "Swiss Federal Act on Data Protection (nDSG) Art. 24",
                                "fdpic-report", "Report of the data security breach to the FDPIC (\"as soon as "
                                + "possible\", target set here)", "FDPIC", "personal-data-suspected", due,
                                due.minus(Duration.ofHours(4)), List.of("nature-of-breach", "detected-at",
                                "duration", "data-categories", "estimated-people", "consequences", "measures",
                                "contact-point"), revised));
    }

    @Test
    void theClockOfARevisedAssessmentRunsFromTheRevisionNotFromTheFirstAssessment() {
        onlyRegime("CH-NDSG");
        Instant revised = t0.plus(Duration.ofDays(3));
        Instant due = revised.plus(Duration.ofHours(72));
        fixture.given(opened())
                .andGivenCommands(assess(Certainty.NONE_KNOWN, t0), assess(Certainty.SUSPECTED, revised))
                .whenTimeAdvancesTo(due)
                .expectEvents(warningThenMiss("CH-NDSG", "fdpic-report", due, Duration.ofHours(4)));
    }

    @Test
    void aConfirmationAfterASuspicionKeepsTheRunningClockAndStartsOnlyTheRegimesThatNeedConfirmation() {
        rules(EVERYWHERE);
        Instant confirmed = t0.plus(Duration.ofDays(2));
        Instant hipaaDue = confirmed.plus(Duration.ofDays(60));
        fixture.given(opened())
                .andGivenCommands(assess(Certainty.SUSPECTED, t0))
                .when(assess(Certainty.CONFIRMED, confirmed))
                .expectEvents(new DataImpactAssessed(ID, 2, Certainty.CONFIRMED, List.of("health-data"), null,
                                Certainty.NONE_KNOWN, Certainty.CONFIRMED, null, confirmed),
                        new ObligationOpened(ID, "US-HIPAA", "US HIPAA Breach Notification Rule, 45 CFR 164.404-408",
                                "individuals", "Notice to the individuals (and HHS when 500 or more)",
                                "Individuals, HHS", "personal-data-confirmed", hipaaDue,
                                hipaaDue.minus(Duration.ofHours(4)), List.of("nature-of-breach", "detected-at",
                                "data-categories", "estimated-people", "measures", "contact-point"), confirmed));
    }

    /** Documented decision: the duty arose at awareness; a later "none known" does not undo it, a report closes it. */
    @Test
    void withdrawingTheSuspicionLeavesTheRunningClockRunning() {
        onlyRegime("CH-NDSG");
        Instant due = t0.plus(Duration.ofHours(72));
        fixture.given(opened())
                .andGivenCommands(assess(Certainty.SUSPECTED, t0), assess(Certainty.NONE_KNOWN,
                        t0.plus(Duration.ofHours(30))))
                .whenTimeAdvancesTo(due)
                .expectEvents(warningThenMiss("CH-NDSG", "fdpic-report", due, Duration.ofHours(4)));
    }

    @Test
    void onlyAClassificationNewInARevisionStartsClocks() {
        rules(EVERYWHERE);
        Instant later = t0.plus(Duration.ofHours(30));
        fixture.given(opened())
                .andGivenCommands(new ClassifyIncident(ID, null, List.of(Classification.SIGNIFICANT), null, t0))
                .when(new ClassifyIncident(ID, null, List.of(Classification.SIGNIFICANT, Classification.MATERIAL),
                        "Material for investors", later))
                .expectEvents(new IncidentClassified(ID, List.of(Classification.SIGNIFICANT, Classification.MATERIAL),
                                "Material for investors", later),
                        new ObligationOpened(ID, "US-SEC-8K", "US SEC Form 8-K Item 1.05", "form-8k",
                                "Form 8-K filing (4 business days, counted here as 4 days)", "SEC", "material",
                                later.plus(Duration.ofDays(4)),
                                later.plus(Duration.ofDays(4)).minus(Duration.ofHours(4)),
                                List.of("nature-of-breach", "scope", "detected-at", "material-impact"), later));
    }

    @Test
    void anUnchangedClassificationIsRefused() {
        rules(EVERYWHERE);
        fixture.given(opened())
                .andGivenCommands(new ClassifyIncident(ID, null, List.of(Classification.SIGNIFICANT), null, t0))
                .when(new ClassifyIncident(ID, null, List.of(Classification.SIGNIFICANT), "again",
                        t0.plus(Duration.ofHours(1))))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void aTriggerOfARegimeOutsideTheOrganisationsScopeStartsNoClock() {
        rules(OrganisationProfile.swissHealthcareProvider());
        fixture.given(opened())
                .when(new ClassifyIncident(ID, null, List.of(Classification.SIGNIFICANT), null, t0))
                .expectEvents(new IncidentClassified(ID, List.of(Classification.SIGNIFICANT), null, t0))
                .expectNoScheduledDeadlines();
    }

    @Test
    void aReportUnderARegimeWithoutAnOpenClockFulfilsNothing() {
        onlyRegime("CH-ISG");
        fixture.given(opened())
                .when(notify("CH-ISG", t0))
                .expectEvents(new AuthorityNotified(ID, "authority", "CH-ISG", null, null, t0));
    }

}
