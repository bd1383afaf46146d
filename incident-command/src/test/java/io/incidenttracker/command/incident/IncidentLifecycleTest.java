package io.incidenttracker.command.incident;

import io.incidenttracker.command.domain.IncidentRuleViolation;
import io.incidenttracker.command.incident.IncidentCommands.AssignIncidentCommander;
import io.incidenttracker.command.incident.IncidentCommands.ChangeSeverity;
import io.incidenttracker.command.incident.IncidentCommands.CloseIncident;
import io.incidenttracker.command.incident.IncidentCommands.DeclareContainment;
import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.EstimateFirstActivity;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.LinkIncident;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.PublishStatusUpdate;
import io.incidenttracker.command.incident.IncidentCommands.ReconnectSystem;
import io.incidenttracker.command.incident.IncidentCommands.ReopenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.IncidentCommands.ResolveIncident;
import io.incidenttracker.command.incident.IncidentCommands.RestoreService;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.PublicImpact;
import io.incidenttracker.events.incident.PublicStatus;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

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
 * The rules of the incident's life cycle kept by the {@link Incident} root: first activity, severity, commander,
 * reconnection, containment, resolution, closure and reopening, what a closed incident refuses, and links.
 */
class IncidentLifecycleTest {

    static final UUID OTHER = UUID.fromString("0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d");

    AggregateTestFixture<Incident> fixture;

    @BeforeEach
    void setUp() {
        fixture = IncidentStory.fixtureWithoutRegimes();
    }

    // ---- first known activity -------------------------------------------------------------------------------------

    @Test
    void aDetectionMayStateWhenTheAttackersActivityBegan() {
        fixture.givenNoPriorActivity()
                .when(new OpenIncident(ID, "Cyberattack", AttackType.INTRUSION, Severity.HIGH, AUG_30, null,
                        List.of("app-booking"), List.of(), AUG_29))
                .expectEvents(OPENED, WAVE_1, new FirstActivityEstimated(ID, 1, AUG_29, null, AUG_30))
                .expectResultMessagePayload(2L);
    }

    @Test
    void cannotStateAFirstActivityAfterTheDetection() {
        fixture.givenNoPriorActivity()
                .when(new OpenIncident(ID, "Cyberattack", AttackType.INTRUSION, Severity.HIGH, AUG_30, null,
                        null, null, AUG_30.plusSeconds(1)))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void theFirstActivityOfAWaveCanBeEstimatedLater() {
        fixture.given(OPENED, WAVE_1)
                .when(new EstimateFirstActivity(ID, null, 1, AUG_29, "VPN log", SEP_4))
                .expectEvents(new FirstActivityEstimated(ID, 1, AUG_29, "VPN log", SEP_4));
    }

    @Test
    void cannotEstimateTheFirstActivityOfAnUnknownWave() {
        fixture.given(OPENED, WAVE_1)
                .when(new EstimateFirstActivity(ID, null, 2, AUG_29, null, SEP_4))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident has no attack wave 2")
                .expectNoEvents();
    }

    // ---- severity and commander -----------------------------------------------------------------------------------

    @Test
    void severityCanBeLoweredWithAReason() {
        fixture.given(OPENED, WAVE_1)
                .when(new ChangeSeverity(ID, null, Severity.MEDIUM, "only test systems affected", AUG_30_NOON))
                .expectEvents(new SeverityChanged(ID, Severity.MEDIUM, "only test systems affected", AUG_30_NOON));
    }

    @Test
    void cannotChangeSeverityToTheCurrentOne() {
        fixture.given(OPENED, WAVE_1, new AttackDetected(ID, 2, AttackType.RANSOMWARE, Severity.CRITICAL, null,
                        null, null, SEP_4))
                .when(new ChangeSeverity(ID, null, Severity.CRITICAL, "ransomware", SEP_4))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident's severity is already CRITICAL")
                .expectNoEvents();
    }

    @Test
    void assignsAnIncidentCommanderByPrincipalId() {
        fixture.given(OPENED, WAVE_1)
                .when(new AssignIncidentCommander(ID, null, "ciso-duty", AUG_30))
                .expectEvents(new IncidentCommanderAssigned(ID, "ciso-duty", AUG_30));
    }

    @Test
    void cannotAssignTheCurrentCommanderAgain() {
        fixture.given(OPENED, WAVE_1, new IncidentCommanderAssigned(ID, "ciso-duty", AUG_30))
                .when(new AssignIncidentCommander(ID, null, "ciso-duty", AUG_30_NOON))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    // ---- reconnection ---------------------------------------------------------------------------------------------

    @Test
    void reconnectsAnIsolatedSystem() {
        fixture.given(OPENED, WAVE_1, new SystemIsolated(ID, "app-booking", null, IsolationMethod.UNRECORDED, AUG_30))
                .when(new ReconnectSystem(ID, null, "app-booking", SEP_5, "clean"))
                .expectEvents(new SystemReconnected(ID, "app-booking", "clean", SEP_5));
    }

    @Test
    void cannotReconnectASystemThatIsNotIsolated() {
        fixture.given(OPENED, WAVE_1)
                .when(new ReconnectSystem(ID, null, "app-booking", SEP_5, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("System app-booking is not isolated")
                .expectNoEvents();
    }

    @Test
    void cannotReconnectASystemBeforeItWasIsolated() {
        fixture.given(OPENED, WAVE_1,
                        new SystemIsolated(ID, "app-booking", null, IsolationMethod.UNRECORDED, AUG_30_NOON))
                .when(new ReconnectSystem(ID, null, "app-booking", AUG_30, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    // ---- containment, resolution, closure, reopening ---------------------------------------------------------------

    @Test
    void declaresContainment() {
        fixture.given(OPENED, WAVE_1)
                .when(new DeclareContainment(ID, null, AUG_30_NOON, "isolated"))
                .expectEvents(new IncidentContained(ID, "isolated", AUG_30_NOON));
    }

    @Test
    void cannotDeclareContainmentTwice() {
        fixture.given(OPENED, WAVE_1, CONTAINED)
                .when(new DeclareContainment(ID, null, SEP_4, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotDeclareContainmentBeforeTheLatestDetection() {
        fixture.given(OPENED, WAVE_1)
                .when(new DeclareContainment(ID, null, AUG_29, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void aNewWaveUndoesContainment() {
        fixture.given(OPENED, WAVE_1, CONTAINED,
                        new AttackDetected(ID, 2, AttackType.RANSOMWARE, null, null, null, null, SEP_4))
                .when(new DeclareContainment(ID, null, SEP_5, "second wave contained"))
                .expectEvents(new IncidentContained(ID, "second wave contained", SEP_5));
    }

    @Test
    void resolvesAContainedIncident() {
        fixture.given(OPENED, WAVE_1, CONTAINED)
                .when(new ResolveIncident(ID, null, SEP_5, "recovered"))
                .expectEvents(new IncidentResolved(ID, "recovered", SEP_5));
    }

    @Test
    void cannotResolveBeforeContainment() {
        fixture.given(OPENED, WAVE_1)
                .when(new ResolveIncident(ID, null, SEP_5, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("Only a CONTAINED incident can be resolved; it is DETECTED")
                .expectNoEvents();
    }

    @Test
    void cannotResolveAtATimeBeforeTheContainment() {
        fixture.given(OPENED, WAVE_1, CONTAINED)
                .when(new ResolveIncident(ID, null, AUG_30, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void closesAResolvedIncidentWithAPostIncidentSummary() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED)
                .when(new CloseIncident(ID, null, OCT_2, "summary", null))
                .expectEvents(CLOSED);
    }

    @Test
    void cannotCloseAnIncidentThatIsNotResolved() {
        fixture.given(OPENED, WAVE_1, CONTAINED)
                .when(new CloseIncident(ID, null, OCT_2, "summary", null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotCloseWhileAServiceIsDisrupted() {
        fixture.given(OPENED, WAVE_1,
                        new ServiceDisruptionReported(ID, "telephony", ServiceImpact.DEGRADED, null, AUG_30),
                        CONTAINED, RESOLVED)
                .when(new CloseIncident(ID, null, OCT_2, "summary", null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident cannot be closed while services are disrupted (telephony); "
                        + "restore, reconnect or conclude first, or close with a waiverReason")
                .expectNoEvents();
    }

    @Test
    void cannotCloseWhileASystemIsIsolated() {
        fixture.given(OPENED, WAVE_1, new SystemIsolated(ID, "app-booking", null, IsolationMethod.UNRECORDED, AUG_30),
                        CONTAINED, RESOLVED)
                .when(new CloseIncident(ID, null, OCT_2, "summary", " "))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotCloseWhileAForensicAnalysisIsOpen() {
        fixture.given(OPENED, WAVE_1, new ForensicAnalysisStarted(ID, "fa-1", null, AUG_30), CONTAINED, RESOLVED)
                .when(new CloseIncident(ID, null, OCT_2, "summary", null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void canCloseWhileASystemIsIsolatedWhenWaivedWithAReason() {
        fixture.given(OPENED, WAVE_1, new SystemIsolated(ID, "app-booking", null, IsolationMethod.UNRECORDED, AUG_30),
                        CONTAINED, RESOLVED)
                .when(new CloseIncident(ID, null, OCT_2, "summary", "app-booking is decommissioned"))
                .expectEvents(new IncidentClosed(ID, "summary", "app-booking is decommissioned", OCT_2));
    }

    @Test
    void cannotCloseBeforeTheResolution() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED)
                .when(new CloseIncident(ID, null, SEP_4, "summary", null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void reopensAClosedIncident() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new ReopenIncident(ID, null, OCT_2.plusSeconds(3600), "new wave"))
                .expectEvents(new IncidentReopened(ID, "new wave", OCT_2.plusSeconds(3600)));
    }

    @Test
    void cannotReopenAnIncidentThatIsStillOpen() {
        fixture.given(OPENED, WAVE_1, CONTAINED)
                .when(new ReopenIncident(ID, null, SEP_4, "new wave"))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void aReopenedIncidentAcceptsAFurtherWave() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED, new IncidentReopened(ID, "new wave", OCT_2))
                .when(new DetectAttack(ID, null, AttackType.MALWARE, OCT_2, null, null, null, null))
                .expectEvents(new AttackDetected(ID, 2, AttackType.MALWARE, null, null, null, null, OCT_2));
    }

    @Test
    void aClosedIncidentRefusesAFurtherWave() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new DetectAttack(ID, null, AttackType.MALWARE, OCT_2, null, null, null, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident is closed; reopen it before recording a further attack wave")
                .expectNoEvents();
    }

    @Test
    void aClosedIncidentRefusesOperationalCommands() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new IsolateSystem(ID, null, "crm", OCT_2, null, null))
                .expectException(IncidentRuleViolation.class)
                .expectExceptionMessage("The incident is closed; reopen it first")
                .expectNoEvents();
    }

    @Test
    void aClosedIncidentStillRecordsNotificationsAndStatusUpdates() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new NotifyAuthority(ID, null, "NCSC", "CH-ISG", "NCSC-1", OCT_2, "final report"))
                .expectEvents(new AuthorityNotified(ID, "NCSC", "CH-ISG", "NCSC-1", "final report", OCT_2));
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new PublishStatusUpdate(ID, null, Audience.PUBLIC, "closed", "Booking unavailable", null, null,
                        OCT_2))
                .expectEvents(new StatusUpdatePublished(ID, Audience.PUBLIC, "closed", "Booking unavailable", null,
                        null, OCT_2));
    }

    @Test
    void theFirstPublicStatusUpdateNeedsAHeadlineTheNextOnesDoNot() {
        fixture.given(OPENED, WAVE_1)
                .when(new PublishStatusUpdate(ID, null, Audience.PUBLIC, "We are investigating", null,
                        PublicStatus.INVESTIGATING, PublicImpact.MAJOR, AUG_30))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
        StatusUpdatePublished named = new StatusUpdatePublished(ID, Audience.PUBLIC, "We are investigating",
                "Appointment booking unavailable", PublicStatus.INVESTIGATING, PublicImpact.MAJOR, AUG_30);
        fixture.given(OPENED, WAVE_1, new StatusUpdatePublished(ID, Audience.INTERNAL, "internal only", AUG_30))
                .when(new PublishStatusUpdate(ID, null, Audience.PUBLIC, "We are investigating",
                        "Appointment booking unavailable", PublicStatus.INVESTIGATING, PublicImpact.MAJOR, AUG_30))
                .expectEvents(named);
        fixture.given(OPENED, WAVE_1, named)
                .when(new PublishStatusUpdate(ID, null, Audience.PUBLIC, "Fixed", null, PublicStatus.RESOLVED,
                        PublicImpact.NONE, OCT_2))
                .expectEvents(new StatusUpdatePublished(ID, Audience.PUBLIC, "Fixed", null, PublicStatus.RESOLVED,
                        PublicImpact.NONE, OCT_2));
    }

    @Test
    void aClosedIncidentRefusesAServiceRestoration() {
        fixture.given(OPENED, WAVE_1, new ServiceDisruptionReported(ID, "telephony", ServiceImpact.DEGRADED, null,
                        AUG_30), CONTAINED, RESOLVED, new IncidentClosed(ID, "s", "accepted", OCT_2))
                .when(new RestoreService(ID, null, "telephony", OCT_2, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    // ---- forensics ------------------------------------------------------------------------------------------------

    // ---- data impact ----------------------------------------------------------------------------------------------

    // ---- notifications, links -------------------------------------------------------------------------------------

    @Test
    void linksAnotherIncident() {
        fixture.given(OPENED, WAVE_1)
                .when(new LinkIncident(ID, null, OTHER, LinkRelation.SAME_CAMPAIGN, "second wave", SEP_4))
                .expectEvents(new IncidentLinked(ID, OTHER, LinkRelation.SAME_CAMPAIGN, "second wave", SEP_4));
    }

    @Test
    void cannotLinkAnIncidentToItself() {
        fixture.given(OPENED, WAVE_1)
                .when(new LinkIncident(ID, null, ID, LinkRelation.RELATED, null, SEP_4))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void cannotLinkTheSameIncidentTwice() {
        fixture.given(OPENED, WAVE_1, new IncidentLinked(ID, OTHER, LinkRelation.RELATED, null, SEP_4))
                .when(new LinkIncident(ID, null, OTHER, LinkRelation.SAME_CAMPAIGN, null, SEP_5))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }

    // ---- corrections ----------------------------------------------------------------------------------------------

    @Test
    void reportsADisruptionOnAnOpenIncidentOnly() {
        fixture.given(OPENED, WAVE_1, CONTAINED, RESOLVED, CLOSED)
                .when(new ReportServiceDisruption(ID, null, "telephony", ServiceImpact.DEGRADED, OCT_2, null))
                .expectException(IncidentRuleViolation.class)
                .expectNoEvents();
    }
}
