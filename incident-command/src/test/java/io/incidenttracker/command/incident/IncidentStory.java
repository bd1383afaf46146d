package io.incidenttracker.command.incident;

import io.incidenttracker.command.obligation.RegulatoryRules;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.Severity;
import org.axonframework.test.aggregate.AggregateTestFixture;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The incident the fixture tests of the aggregate and its parts start from: opened on 30 August 2023 with a first
 * attack wave on the booking app, contained at noon, resolved on 5 September, closed on 2 October; and the moments
 * their rules compare.
 */
public final class IncidentStory {

    public static final UUID ID = UUID.fromString("7d1c2a1e-5a3b-4c8e-9f10-2b3c4d5e6f70");
    public static final Instant AUG_29 = Instant.parse("2023-08-29T22:40:00Z");
    public static final Instant AUG_30 = Instant.parse("2023-08-30T06:15:00Z");
    public static final Instant AUG_30_NOON = Instant.parse("2023-08-30T12:00:00Z");
    public static final Instant SEP_4 = Instant.parse("2023-09-04T18:30:00Z");
    public static final Instant SEP_5 = Instant.parse("2023-09-05T01:00:00Z");
    public static final Instant OCT_2 = Instant.parse("2023-10-02T12:00:00Z");

    public static final IncidentOpened OPENED = new IncidentOpened(ID, "Cyberattack", Severity.HIGH, AUG_30);
    public static final AttackDetected WAVE_1 = new AttackDetected(ID, 1, AttackType.INTRUSION, Severity.HIGH, null,
            List.of("app-booking"), List.of(), AUG_30);
    public static final IncidentContained CONTAINED = new IncidentContained(ID, null, AUG_30_NOON);
    public static final IncidentResolved RESOLVED = new IncidentResolved(ID, null, SEP_5);
    public static final IncidentClosed CLOSED = new IncidentClosed(ID, "summary", null, OCT_2);

    private IncidentStory() {
    }

    /** A fixture of the incident under which no reporting regime applies (the clocks have tests of their own). */
    public static AggregateTestFixture<Incident> fixtureWithoutRegimes() {
        AggregateTestFixture<Incident> fixture = new AggregateTestFixture<>(Incident.class);
        fixture.registerInjectableResource(RegulatoryRules.none());
        return fixture;
    }
}
