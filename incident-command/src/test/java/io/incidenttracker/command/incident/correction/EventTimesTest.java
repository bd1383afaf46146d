package io.incidenttracker.command.incident.correction;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.incident.IncidentStory;
import io.incidenttracker.command.incident.correction.CorrectionCommands.CorrectOccurredAt;
import io.incidenttracker.command.incident.reporting.ReportingCommands.ClassifyIncident;
import io.incidenttracker.command.obligation.OrganisationProfile;
import io.incidenttracker.command.obligation.RegimeRules;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.SystemIsolated;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.incidenttracker.command.incident.IncidentStory.AUG_29;
import static io.incidenttracker.command.incident.IncidentStory.AUG_30;
import static io.incidenttracker.command.incident.IncidentStory.AUG_30_NOON;
import static io.incidenttracker.command.incident.IncidentStory.CLOSED;
import static io.incidenttracker.command.incident.IncidentStory.CONTAINED;
import static io.incidenttracker.command.incident.IncidentStory.ID;
import static io.incidenttracker.command.incident.IncidentStory.OCT_2;
import static io.incidenttracker.command.incident.IncidentStory.OPENED;
import static io.incidenttracker.command.incident.IncidentStory.RESOLVED;
import static io.incidenttracker.command.incident.IncidentStory.SEP_4;
import static io.incidenttracker.command.incident.IncidentStory.SEP_5;
import static io.incidenttracker.command.incident.IncidentStory.WAVE_1;

/**
 * Corrections of when an incident's events happened ({@link EventTimes}), each rule in its allowed and its refused
 * case, and the corrected time in the rules that compare it.
 */
class EventTimesTest {

    AggregateTestFixture<Incident> fixture;

    @BeforeEach
    void setUp() {
        fixture = IncidentStory.fixtureWithoutRegimes();
    }

    @Test
    void correctsTheOccurredAtOfAnEarlierEvent() {
        fixture.given(OPENED, WAVE_1,
                        new SystemIsolated(ID, "app-booking", null, IsolationMethod.UNRECORDED, AUG_30_NOON))
                .when(new CorrectOccurredAt(ID, null, 2, AUG_30.plusSeconds(2100), "firewall log", SEP_4))
                .expectEvents(new OccurredAtCorrected(ID, 2, AUG_30.plusSeconds(2100), "firewall log", SEP_4));
    }

    @Test
    void cannotCorrectAnEventThatDoesNotExist() {
        fixture.given(OPENED, WAVE_1)
                .when(new CorrectOccurredAt(ID, null, 5, AUG_30, "typo", SEP_4))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident has no event 5")
                .expectNoEvents();
    }

    @Test
    void cannotCorrectACorrection() {
        fixture.given(OPENED, WAVE_1, new OccurredAtCorrected(ID, 1, AUG_29, "typo", SEP_4))
                .when(new CorrectOccurredAt(ID, null, 2, AUG_30, "typo", SEP_5))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotCorrectATimeToTheValueItAlreadyHas() {
        fixture.given(OPENED, WAVE_1)
                .when(new CorrectOccurredAt(ID, null, 1, AUG_30, "typo", SEP_4))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void laterRulesUseTheCorrectedTime() {
        // the disruption said SEP_5 by mistake; corrected to SEP_4, a restoration at SEP_4 + 1 h is then fine
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "telephony", ServiceImpact.UNAVAILABLE, null, SEP_5),
                        new OccurredAtCorrected(ID, 2, SEP_4, "wrong day", SEP_5))
                .when(new RestoreService(ID, null, "telephony", SEP_4.plusSeconds(3600), null))
                .expectEvents(new ServiceRestored(ID, "telephony", null, SEP_4.plusSeconds(3600)));
    }

    @Test
    void anEventOfAReportingClockCannotBeCorrected() {
        RegimeRules shipped = RegimeRules.read(
                EventTimesTest.class.getResourceAsStream("/regulatory/regimes.yml"), "regimes.yml");
        fixture = new AggregateTestFixture<>(Incident.class);
        fixture.registerInjectableResource(new RegulatoryRules(new RegimeRules(shipped.regimes().stream()
                .filter(r -> r.id().equals("CH-ISG")).toList()), new OrganisationProfile("healthcare",
                List.of("CH", "EU", "US"), true, List.of("financial-entity", "sec-registrant"), Duration.ofHours(4))));
        Instant t0 = fixture.currentTime().truncatedTo(ChronoUnit.SECONDS);
        fixture.given(OPENED, WAVE_1)
                .andGivenCommands(new ClassifyIncident(ID, null,
                        List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED), "judged so", t0))
                .when(new CorrectOccurredAt(ID, null, 3, t0.plus(Duration.ofHours(1)), "wrong", t0))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("reporting clock"));
    }

    @Test
    void aCorrectionOnAClosedIncidentIsAccepted() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new CorrectOccurredAt(ID, null, 2, AUG_30.plusSeconds(3600), "log", OCT_2))
                .expectEvents(new OccurredAtCorrected(ID, 2, AUG_30.plusSeconds(3600), "log", OCT_2));
    }

    @Test
    void aCorrectionThatExpectsAnotherVersionIsRefused() {
        fixture.given(OPENED, WAVE_1)
                .when(new CorrectOccurredAt(ID, 0L, 1, AUG_29, "typo", SEP_4))
                .expectException(VersionMismatch.class)
                .expectNoEvents();
    }
}
