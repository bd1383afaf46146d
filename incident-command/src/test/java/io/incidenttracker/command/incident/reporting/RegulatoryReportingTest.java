package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.AssessDataImpact;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The rules of an incident's regulatory reporting ({@link RegulatoryReporting}) apart from the clocks: assessments
 * and notifications, each in its allowed and its refused case, also on a closed incident. The reporting clocks have
 * their own tests (ObligationClocksTest).
 */
class RegulatoryReportingTest {

    static final UUID ID = UUID.fromString("7d1c2a1e-5a3b-4c8e-9f10-2b3c4d5e6f70");
    static final Instant AUG_29 = Instant.parse("2023-08-29T22:40:00Z");
    static final Instant AUG_30 = Instant.parse("2023-08-30T06:15:00Z");
    static final Instant AUG_30_NOON = Instant.parse("2023-08-30T12:00:00Z");
    static final Instant SEP_4 = Instant.parse("2023-09-04T18:30:00Z");
    static final Instant SEP_5 = Instant.parse("2023-09-05T01:00:00Z");
    static final Instant OCT_2 = Instant.parse("2023-10-02T12:00:00Z");

    static final IncidentOpened OPENED = new IncidentOpened(ID, "Cyberattack", Severity.HIGH, AUG_30);
    static final AttackDetected WAVE_1 = new AttackDetected(ID, 1, AttackType.INTRUSION, Severity.HIGH, null,
            List.of("app-booking"), List.of(), AUG_30);
    static final IncidentContained CONTAINED = new IncidentContained(ID, null, AUG_30_NOON);
    static final IncidentResolved RESOLVED = new IncidentResolved(ID, null, SEP_5);
    static final IncidentClosed CLOSED = new IncidentClosed(ID, "summary", null, OCT_2);

    AggregateTestFixture<Incident> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Incident.class);
        // no regime applies here: the reporting clocks have their own tests (ObligationClocksTest)
        fixture.registerInjectableResource(RegulatoryRules.none());
    }

    @Test
    void eachDataImpactAssessmentIsTheNextRevision() {
        fixture.given(OPENED, WAVE_1, new DataImpactAssessed(ID, 1, Certainty.SUSPECTED, List.of("health-data"),
                        null, Certainty.SUSPECTED, Certainty.CONFIRMED, "first look", AUG_30_NOON))
                .when(new AssessDataImpact(ID, null, Certainty.NONE_KNOWN, List.of("health-data"), null,
                        Certainty.NONE_KNOWN, Certainty.CONFIRMED, "no patient data left, according to current "
                        + "knowledge", SEP_5))
                .expectEvents(new DataImpactAssessed(ID, 2, Certainty.NONE_KNOWN, List.of("health-data"), null,
                        Certainty.NONE_KNOWN, Certainty.CONFIRMED, "no patient data left, according to current "
                        + "knowledge", SEP_5));
    }

    @Test
    void cannotEstimateAffectedPeopleWithoutPersonalData() {
        fixture.given(OPENED, WAVE_1)
                .when(new AssessDataImpact(ID, null, Certainty.NONE_KNOWN, List.of(), 1200L, Certainty.NONE_KNOWN,
                        Certainty.NONE_KNOWN, null, SEP_5))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotRecordTheSameNotificationReferenceTwice() {
        fixture.given(OPENED, WAVE_1, new AuthorityNotified(ID, "NCSC", "CH-ISG", "NCSC-1", null, SEP_5))
                .when(new NotifyAuthority(ID, null, "NCSC", "CH-ISG", "NCSC-1", OCT_2, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void notificationsWithoutReferenceAreAllRecorded() {
        fixture.given(OPENED, WAVE_1, new AuthorityNotified(ID, "FDPIC", "CH-nDSG", null, null, SEP_5))
                .when(new NotifyAuthority(ID, null, "FDPIC", "CH-nDSG", null, OCT_2, "follow-up"))
                .expectEvents(new AuthorityNotified(ID, "FDPIC", "CH-nDSG", null, "follow-up", OCT_2));
    }

    @Test
    void aClosedIncidentStillAcceptsADataImpactAssessment() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new AssessDataImpact(ID, null, Certainty.NONE_KNOWN, List.of(), null, Certainty.NONE_KNOWN,
                        Certainty.NONE_KNOWN, "final", OCT_2))
                .expectEvents(new DataImpactAssessed(ID, 1, Certainty.NONE_KNOWN, List.of(), null,
                        Certainty.NONE_KNOWN, Certainty.NONE_KNOWN, "final", OCT_2));
    }

    @Test
    void aReportThatExpectsAnotherVersionIsRefused() {
        fixture.given(OPENED, WAVE_1)
                .when(new NotifyAuthority(ID, 0L, "NCSC", "CH-ISG", "NCSC-1", OCT_2, null))
                .expectException(VersionMismatch.class)
                .expectNoEvents();
    }
}
