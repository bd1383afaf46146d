package io.incidenttracker.command.incident;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.domain.VersionMismatch;
import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SystemIsolated;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The rules of the {@link Incident} root on detection, systems and services, and the caller's version, each in its
 * allowed and its refused case.
 */
class IncidentTest {

    static final UUID ID = UUID.fromString("7d1c2a1e-5a3b-4c8e-9f10-2b3c4d5e6f70");
    static final Instant AUG_30 = Instant.parse("2023-08-30T06:15:00Z");
    static final Instant SEP_4 = Instant.parse("2023-09-04T18:30:00Z");
    static final Instant SEP_5 = Instant.parse("2023-09-05T01:00:00Z");

    static final IncidentOpened OPENED = new IncidentOpened(ID, "Cyberattack", Severity.HIGH, AUG_30);
    static final AttackDetected WAVE_1 = new AttackDetected(ID, 1, AttackType.INTRUSION, Severity.HIGH, "first wave",
            List.of("app-booking"), List.of("T1078"), AUG_30);

    AggregateTestFixture<Incident> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Incident.class);
        // no regime applies here: the reporting clocks have their own tests (ObligationClocksTest)
        fixture.registerInjectableResource(RegulatoryRules.none());
    }

    @Test
    void detectingAnAttackOpensAnIncidentWithItsFirstWave() {
        fixture.givenNoPriorActivity()
                .when(new OpenIncident(ID, "Cyberattack", AttackType.INTRUSION, Severity.HIGH, AUG_30, "first wave",
                        List.of("app-booking"), List.of("T1078")))
                .expectSuccessfulHandlerExecution()
                .expectEvents(OPENED, WAVE_1)
                .expectResultMessagePayload(1L);
    }

    @Test
    void aFurtherAttackIsTheNextWave() {
        fixture.given(OPENED, WAVE_1)
                .when(new DetectAttack(ID, null, AttackType.RANSOMWARE, SEP_4, Severity.CRITICAL, "second wave",
                        List.of("telephony"), List.of("T1486")))
                .expectEvents(new AttackDetected(ID, 2, AttackType.RANSOMWARE, Severity.CRITICAL, "second wave",
                        List.of("telephony"), List.of("T1486"), SEP_4))
                .expectResultMessagePayload(2L);
    }

    @Test
    void cannotDetectAnAttackOnAnUnknownIncident() {
        fixture.givenNoPriorActivity()
                .when(new DetectAttack(ID, null, AttackType.MALWARE, SEP_4, null, null, null, null))
                .expectException(org.axonframework.modelling.command.AggregateNotFoundException.class)
                .expectNoEvents();
    }

    @Test
    void isolatesASystemAndRecordsHowItWasCutOff() {
        fixture.given(OPENED, WAVE_1)
                .when(new IsolateSystem(ID, null, "app-booking", AUG_30.plusSeconds(600), "possibly infected",
                                        IsolationMethod.SHUT_DOWN))
                .expectEvents(new SystemIsolated(ID, "app-booking", "possibly infected", IsolationMethod.SHUT_DOWN,
                                                 AUG_30.plusSeconds(600)))
                .expectResultMessagePayload(2L);
    }

    @Test
    void isolatesASystemWithTheMethodUnrecordedWhenNotGiven() {
        fixture.given(OPENED, WAVE_1)
                .when(new IsolateSystem(ID, null, "app-booking", AUG_30.plusSeconds(600), "possibly infected", null))
                .expectEvents(new SystemIsolated(ID, "app-booking", "possibly infected", IsolationMethod.UNRECORDED,
                                                 AUG_30.plusSeconds(600)))
                .expectResultMessagePayload(2L);
    }

    @Test
    void cannotIsolateASystemThatIsAlreadyIsolated() {
        fixture.given(OPENED, WAVE_1, new SystemIsolated(ID, "app-booking", null, IsolationMethod.UNRECORDED, AUG_30))
                .when(new IsolateSystem(ID, null, "app-booking", AUG_30.plusSeconds(60), null, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("System app-booking is already isolated")
                .expectNoEvents();
    }

    @Test
    void reportsAServiceDisruption() {
        fixture.given(OPENED, WAVE_1)
                .when(new ReportServiceDisruption(ID, null, "telephony", ServiceImpact.UNAVAILABLE, SEP_4, "down"))
                .expectEvents(new ServiceDisruptionReported(ID, "telephony", ServiceImpact.UNAVAILABLE, "down", SEP_4));
    }

    @Test
    void aDisruptionCanChangeItsImpact() {
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "app-booking", ServiceImpact.DEGRADED, null, AUG_30))
                .when(new ReportServiceDisruption(ID, null, "app-booking", ServiceImpact.UNAVAILABLE, SEP_4, null))
                .expectEvents(new ServiceDisruptionReported(ID, "app-booking", ServiceImpact.UNAVAILABLE, null, SEP_4));
    }

    @Test
    void cannotReportTheSameDisruptionTwice() {
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "telephony", ServiceImpact.UNAVAILABLE, null, SEP_4))
                .when(new ReportServiceDisruption(ID, null, "telephony", ServiceImpact.UNAVAILABLE, SEP_5, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void restoresADisruptedService() {
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "telephony", ServiceImpact.UNAVAILABLE, null, SEP_4))
                .when(new RestoreService(ID, null, "telephony", SEP_5, "emergency lines back"))
                .expectEvents(new ServiceRestored(ID, "telephony", "emergency lines back", SEP_5))
                .expectResultMessagePayload(3L);
    }

    @Test
    void cannotRestoreAServiceThatIsNotDisrupted() {
        fixture.given(OPENED, WAVE_1)
                .when(new RestoreService(ID, null, "telephony", SEP_5, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("Service telephony is not disrupted")
                .expectNoEvents();
    }

    @Test
    void cannotRestoreAServiceTwice() {
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "telephony", ServiceImpact.UNAVAILABLE, null, SEP_4),
                        new ServiceRestored(ID, "telephony", null, SEP_5))
                .when(new RestoreService(ID, null, "telephony", SEP_5, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotRestoreAServiceBeforeItsDisruptionBegan() {
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "telephony", ServiceImpact.UNAVAILABLE, null, SEP_4))
                .when(new RestoreService(ID, null, "telephony", SEP_4.minusSeconds(1), null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void acceptsACommandThatExpectsTheCurrentVersion() {
        fixture.given(OPENED, WAVE_1)
                .when(new IsolateSystem(ID, 1L, "crm", AUG_30, null, null))
                .expectEvents(new SystemIsolated(ID, "crm", null, IsolationMethod.UNRECORDED, AUG_30));
    }

    @Test
    void refusesACommandThatExpectsAnotherVersion() {
        fixture.given(OPENED, WAVE_1)
                .when(new IsolateSystem(ID, 0L, "crm", AUG_30, null, null))
                .expectException(VersionMismatch.class)
                .expectExceptionMessage("The incident is at version 1, not 0")
                .expectNoEvents();
    }

    @Test
    void refusesACommandThatExpectsAVersionFromTheFuture() {
        fixture.given(OPENED, WAVE_1)
                .when(new RestoreService(ID, 7L, "telephony", SEP_5, null))
                .expectException(VersionMismatch.class)
                .expectNoEvents();
    }
}
