package io.incidenttracker.command.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.command.eventstore.SnapshotConfiguration;
import io.incidenttracker.command.incident.reporting.ReportingCommands.AssessDataImpact;
import io.incidenttracker.command.incident.IncidentCommands.AssignIncidentCommander;
import io.incidenttracker.command.incident.reporting.ReportingCommands.ClassifyIncident;
import io.incidenttracker.command.incident.correction.CorrectionCommands.CorrectOccurredAt;
import io.incidenttracker.command.incident.IncidentCommands.DeclareContainment;
import io.incidenttracker.command.incident.IncidentCommands.DetectAttack;
import io.incidenttracker.command.incident.IncidentCommands.IsolateSystem;
import io.incidenttracker.command.incident.IncidentCommands.LinkIncident;
import io.incidenttracker.command.incident.reporting.ReportingCommands.NotifyAuthority;
import io.incidenttracker.command.incident.IncidentCommands.OpenIncident;
import io.incidenttracker.command.incident.IncidentCommands.ReportServiceDisruption;
import io.incidenttracker.command.incident.forensics.ForensicCommands.StartForensicAnalysis;
import io.incidenttracker.command.obligation.OrganisationProfile;
import io.incidenttracker.command.obligation.RegimeRules;
import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.assertj.core.util.introspection.FieldSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots: an incident written as a snapshot and read back is the same incident, field for field, and decides the
 * next command exactly as the incident replayed from its events does.
 */
class IncidentSnapshotTest {

    private static final UUID ID = UUID.fromString("6c1f0e2d-4b3a-4c5d-9e8f-7a6b5c4d3e2f");
    private static final RegimeRules SHIPPED = RegimeRules.read(
            IncidentSnapshotTest.class.getResourceAsStream("/regulatory/regimes.yml"), "regimes.yml");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Serializer serializer = SnapshotConfiguration.serializer();
    private AggregateTestFixture<Incident> fixture;
    private Instant t0;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Incident.class);
        fixture.registerInjectableResource(new RegulatoryRules(SHIPPED, new OrganisationProfile("healthcare",
                List.of("CH", "EU"), true, List.of(), Duration.ofHours(4))));
        t0 = fixture.currentTime().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(6));
    }

    /** A history that touches every part of the incident's state. */
    private List<Object> history() {
        List<Object> commands = new ArrayList<>();
        commands.add(new OpenIncident(ID, "Ransomware on the video platform", AttackType.RANSOMWARE, Severity.HIGH,
                t0, "encrypted hosts", List.of("video-1", "video-2"), List.of("T1486"), t0.minusSeconds(3600)));
        commands.add(new DetectAttack(ID, null, AttackType.DATA_EXFILTRATION, t0.plusSeconds(60), Severity.CRITICAL,
                "outbound transfer", List.of("db-1"), List.of("T1041")));
        commands.add(new IsolateSystem(ID, null, "video-1", t0.plusSeconds(120), "contain",
                IsolationMethod.NETWORK));
        commands.add(new ReportServiceDisruption(ID, null, "teleconsultation", ServiceImpact.UNAVAILABLE,
                t0.plusSeconds(180), "down"));
        commands.add(new AssignIncidentCommander(ID, null, "commander-7", t0.plusSeconds(200)));
        commands.add(new StartForensicAnalysis(ID, null, "FA-1", t0.plusSeconds(240), "hosts"));
        commands.add(new AssessDataImpact(ID, null, Certainty.SUSPECTED, List.of("health-data"), 1200L,
                Certainty.SUSPECTED, Certainty.CONFIRMED, "logs", t0.plusSeconds(300)));
        commands.add(new ClassifyIncident(ID, null, List.of(Classification.CRITICAL_INFRASTRUCTURE_AFFECTED),
                "hospital systems", t0.plusSeconds(360)));
        commands.add(new NotifyAuthority(ID, null, "NCSC", "CH-ISG", "NCSC-1", t0.plusSeconds(420), "first"));
        commands.add(new LinkIncident(ID, null, UUID.fromString("0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"),
                LinkRelation.RELATED, "same actor", t0.plusSeconds(480)));
        commands.add(new CorrectOccurredAt(ID, null, 4, t0.plusSeconds(130), "clock skew", t0.plusSeconds(500)));
        commands.add(new DeclareContainment(ID, null, t0.plusSeconds(600), "isolated"));
        return commands;
    }

    /** The keys of the reporting clocks, kept by the incident's regulatory reporting member. */
    private static List<Object> obligationKeys(Incident incident) {
        Object reporting = FieldSupport.EXTRACTION.fieldValue("reporting", Object.class, incident);
        return new ArrayList<>(((java.util.Map<?, ?>) FieldSupport.EXTRACTION.fieldValue("obligations", Object.class,
                reporting)).keySet());
    }

    @Test
    void anIncidentReadFromItsSnapshotIsTheIncidentReplayedFromItsEvents() throws Exception {
        AtomicReference<Incident> replayed = new AtomicReference<>();
        fixture.givenCommands(history())
                .when(new AssignIncidentCommander(ID, null, "commander-8", t0.plusSeconds(700)))
                .expectSuccessfulHandlerExecution()
                .expectState(replayed::set);

        Incident original = replayed.get();
        SerializedObject<byte[]> snapshot = serializer.serialize(original, byte[].class);
        Incident restored = serializer.deserialize(snapshot);

        assertThat(snapshot.getType().getRevision()).isEqualTo("3");
        assertThat(new String(snapshot.getData())).contains(ID.toString(), "commander-8", "CH-ISG", "FA-1");
        // the members' state is in the snapshot too, each under its field
        assertThat(JSON.readTree(snapshot.getData()).fieldNames()).toIterable()
                .contains("times", "forensics", "reporting");
        assertThat(JSON.readTree(snapshot.getData()).at("/forensics/analyses/FA-1").isObject()).isTrue();
        assertThat(restored).usingRecursiveComparison().isEqualTo(original);
        assertThat(serializer.serialize(restored, byte[].class).getData()).isEqualTo(snapshot.getData());
    }

    @Test
    void aRestoredIncidentStillKnowsItsObligationsInTheOrderTheyStarted() {
        AtomicReference<Incident> replayed = new AtomicReference<>();
        fixture.givenCommands(history())
                .when(new AssessDataImpact(ID, null, Certainty.CONFIRMED, List.of("health-data"), 1500L,
                        Certainty.CONFIRMED, Certainty.CONFIRMED, "confirmed", t0.plusSeconds(800)))
                .expectSuccessfulHandlerExecution()
                .expectState(replayed::set);

        Incident restored = serializer.deserialize(serializer.serialize(replayed.get(), byte[].class));

        assertThat(restored).usingRecursiveComparison().isEqualTo(replayed.get());
        assertThat(obligationKeys(restored)).hasSizeGreaterThan(1).containsExactlyElementsOf(
                obligationKeys(replayed.get()));
    }
}
