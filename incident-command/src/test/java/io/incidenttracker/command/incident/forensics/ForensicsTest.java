package io.incidenttracker.command.incident.forensics;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.IncidentStory;
import io.incidenttracker.command.incident.forensics.ForensicCommands.ConcludeForensicAnalysis;
import io.incidenttracker.command.incident.forensics.ForensicCommands.RecordForensicFinding;
import io.incidenttracker.command.incident.forensics.ForensicCommands.StartForensicAnalysis;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

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
 * The rules of an incident's forensic analyses ({@link Forensics}), each in its allowed and its refused case, and
 * the incident's version and closure checks applied to them.
 */
class ForensicsTest {

    AggregateTestFixture<Incident> fixture;

    @BeforeEach
    void setUp() {
        fixture = IncidentStory.fixtureWithoutRegimes();
    }

    @Test
    void startsAForensicAnalysis() {
        fixture.given(OPENED, WAVE_1)
                .when(new StartForensicAnalysis(ID, null, "fa-1", AUG_30_NOON, "booking backend"))
                .expectEvents(new ForensicAnalysisStarted(ID, "fa-1", "booking backend", AUG_30_NOON));
    }

    @Test
    void cannotStartTheSameForensicAnalysisTwice() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30))
                .when(new StartForensicAnalysis(ID, null, "fa-1", SEP_4, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void recordsAFindingOfAnOpenAnalysis() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30))
                .when(new RecordForensicFinding(ID, null, "fa-1", SEP_4, List.of("T1078"), List.of("185.220.101.4"),
                        "VPN account misused"))
                .expectEvents(new ForensicFindingRecorded(ID, "fa-1", List.of("T1078"), List.of("185.220.101.4"),
                        "VPN account misused", SEP_4));
    }

    @Test
    void cannotRecordAFindingOfAnUnknownAnalysis() {
        fixture.given(OPENED, WAVE_1)
                .when(new RecordForensicFinding(ID, null, "fa-9", SEP_4, null, null, "x"))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("No forensic analysis fa-9 was started")
                .expectNoEvents();
    }

    @Test
    void cannotRecordAFindingOfAConcludedAnalysis() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30),
                        new ForensicAnalysisConcluded(ID, "fa-1", "done", SEP_5))
                .when(new RecordForensicFinding(ID, null, "fa-1", SEP_5, null, null, "late"))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void concludesAForensicAnalysis() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30))
                .when(new ConcludeForensicAnalysis(ID, null, "fa-1", OCT_2, "no exfiltration"))
                .expectEvents(new ForensicAnalysisConcluded(ID, "fa-1", "no exfiltration", OCT_2));
    }

    @Test
    void cannotConcludeAnAnalysisBeforeItStarted() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, SEP_4))
                .when(new ConcludeForensicAnalysis(ID, null, "fa-1", AUG_30, "done"))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void aCorrectedStartIsTheStartAConclusionIsComparedWith() {
        // the analysis said SEP_4 by mistake; corrected to AUG_30, a conclusion at AUG_30_NOON is then fine
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, SEP_4),
                        new OccurredAtCorrected(ID, 2, AUG_30, "wrong day", SEP_5))
                .when(new ConcludeForensicAnalysis(ID, null, "fa-1", AUG_30_NOON, "done"))
                .expectEvents(new ForensicAnalysisConcluded(ID, "fa-1", "done", AUG_30_NOON));
    }

    @Test
    void aClosedIncidentRefusesAForensicAnalysis() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new StartForensicAnalysis(ID, null, "fa-1", OCT_2, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident is closed; reopen it first")
                .expectNoEvents();
    }

    @Test
    void aForensicCommandThatExpectsTheCurrentVersionIsAccepted() {
        fixture.given(OPENED, WAVE_1)
                .when(new StartForensicAnalysis(ID, 1L, "fa-1", AUG_30_NOON, null))
                .expectEvents(new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30_NOON))
                .expectResultMessagePayload(2L);
    }

    @Test
    void aForensicCommandThatExpectsAnotherVersionIsRefused() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30))
                .when(new ConcludeForensicAnalysis(ID, 1L, "fa-1", OCT_2, "done"))
                .expectException(VersionMismatch.class)
                .expectExceptionMessage("The incident is at version 2, not 1")
                .expectNoEvents();
    }
}
