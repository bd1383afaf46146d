package io.incidenttracker.bench;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Realistic, aggregate-valid event streams appended straight to the event store (the command service's own
 * {@link EventStore}, so the same serializer and table), many incidents per append. The publisher then
 * carries them to Kafka like any other event.
 *
 * <p>Each incident: opened with its first attack wave, then rounds of isolating a system, a service disrupted, the
 * service restored, the system reconnected; the last round may stop half-way, leaving a system isolated and a
 * service down, so the service board has something to show.
 */
final class Seeder {

    static final String AGGREGATE_TYPE = "Incident";
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final int SERVICES = 12;
    private static final int SYSTEMS = 8;

    private final EventStore eventStore;

    Seeder(EventStore eventStore) {
        this.eventStore = eventStore;
    }

    /** Appends {@code incidents} incidents of {@code eventsPerIncident} events each; answers their ids. */
    List<UUID> seed(int incidents, int eventsPerIncident, int incidentsPerAppend) {
        List<UUID> ids = new ArrayList<>(incidents);
        List<DomainEventMessage<?>> batch = new ArrayList<>();
        for (int i = 0; i < incidents; i++) {
            UUID id = UUID.nameUUIDFromBytes(
                    ("seeded-incident-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ids.add(id);
            batch.addAll(stream(id, i, eventsPerIncident));
            if ((i + 1) % incidentsPerAppend == 0 || i == incidents - 1) {
                eventStore.publish(batch);
                batch = new ArrayList<>();
            }
        }
        return ids;
    }

    /**
     * The same histories, appended round by round: each incident's first event, then each one's second, and so on,
     * {@code eventsPerAppend} events per append, as live traffic on many incidents at once reaches the store.
     */
    List<UUID> seedInterleaved(int incidents, int eventsPerIncident, int eventsPerAppend) {
        List<UUID> ids = new ArrayList<>(incidents);
        List<List<DomainEventMessage<?>>> streams = new ArrayList<>(incidents);
        for (int i = 0; i < incidents; i++) {
            UUID id = UUID.nameUUIDFromBytes(
                    ("seeded-incident-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ids.add(id);
            streams.add(stream(id, i, eventsPerIncident));
        }
        List<DomainEventMessage<?>> batch = new ArrayList<>();
        for (int sequence = 0; sequence < eventsPerIncident; sequence++) {
            for (List<DomainEventMessage<?>> stream : streams) {
                batch.add(stream.get(sequence));
                if (batch.size() >= eventsPerAppend) {
                    eventStore.publish(batch);
                    batch = new ArrayList<>();
                }
            }
        }
        if (!batch.isEmpty()) {
            eventStore.publish(batch);
        }
        return ids;
    }

    static List<DomainEventMessage<?>> stream(UUID id, int number, int events) {
        MetaData metaData = MetaData.from(Map.of("actor", "load-seeder", "correlationId", "seed-" + number));
        Instant at = START.plus(Duration.ofMinutes(number));
        List<IncidentEvent> payloads = new ArrayList<>(events);
        payloads.add(new IncidentOpened(id, "Seeded incident " + number, Severity.HIGH, at));
        payloads.add(new AttackDetected(id, 1, AttackType.INTRUSION, Severity.HIGH, "seeded attack wave",
                List.of("sys-0", "sys-1"), List.of("T1078"), at));
        for (int round = 0; payloads.size() < events; round++) {
            String system = "sys-" + (round % SYSTEMS);
            String service = "svc-" + ((round + number) % SERVICES);
            IncidentEvent[] steps = {
                    new SystemIsolated(id, system, "possibly infected", IsolationMethod.NETWORK,
                            at.plusSeconds(4L * round + 1)),
                    new ServiceDisruptionReported(id, service, round % 2 == 0 ? ServiceImpact.UNAVAILABLE
                            : ServiceImpact.DEGRADED, "down while isolated", at.plusSeconds(4L * round + 2)),
                    new ServiceRestored(id, service, "back", at.plusSeconds(4L * round + 3)),
                    new SystemReconnected(id, system, "clean", at.plusSeconds(4L * round + 4))};
            for (IncidentEvent step : steps) {
                if (payloads.size() < events) {
                    payloads.add(step);
                }
            }
        }
        List<DomainEventMessage<?>> messages = new ArrayList<>(events);
        for (int sequence = 0; sequence < payloads.size(); sequence++) {
            messages.add(new GenericDomainEventMessage<>(AGGREGATE_TYPE, id.toString(), sequence,
                    payloads.get(sequence), metaData));
        }
        return messages;
    }
}
