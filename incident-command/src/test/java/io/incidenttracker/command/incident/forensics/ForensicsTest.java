package io.incidenttracker.command.incident.forensics;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.Incident;
import io.incidenttracker.command.incident.forensics.ForensicCommands.ConcludeForensicAnalysis;
import io.incidenttracker.command.incident.forensics.ForensicCommands.RecordForensicFinding;
import io.incidenttracker.command.incident.forensics.ForensicCommands.StartForensicAnalysis;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The rules of an incident's forensic analyses ({@link Forensics}), each in its allowed and its refused case, and
 * the incident's version and closure checks applied to them.
 */
class ForensicsTest {

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
