package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.IncidentStory;
import io.incidenttracker.command.incident.reporting.ReportingCommands.AssessDataImpact;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.DataImpactAssessed;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.incidenttracker.command.incident.IncidentStory.AUG_30_NOON;
import static io.incidenttracker.command.incident.IncidentStory.CLOSED;
import static io.incidenttracker.command.incident.IncidentStory.CONTAINED;
import static io.incidenttracker.command.incident.IncidentStory.ID;
import static io.incidenttracker.command.incident.IncidentStory.OCT_2;
import static io.incidenttracker.command.incident.IncidentStory.OPENED;
import static io.incidenttracker.command.incident.IncidentStory.RESOLVED;
import static io.incidenttracker.command.incident.IncidentStory.SEP_5;
import static io.incidenttracker.command.incident.IncidentStory.WAVE_1;

/**
 * The rules of an incident's regulatory reporting ({@link RegulatoryReporting}) apart from the clocks: assessments
 * and notifications, each in its allowed and its refused case, also on a closed incident. The reporting clocks have
 * their own tests (ObligationClocksTest).
 */
class RegulatoryReportingTest {

    AggregateTestFixture<Incident> fixture;

    @BeforeEach
    void setUp() {
        fixture = IncidentStory.fixtureWithoutRegimes();
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
