package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.query.consuming.IncidentEventMetaData;
import io.incidenttracker.query.consuming.Processors;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps every incident event as received in {@code incident_event}, the history that {@link IncidentReplay} folds
 * to answer what was recorded at a past instant. A delivery of a sequence already kept is ignored (a second event
 * id for the same sequence is logged as a conflict and not kept). Its own processor reads the topic from the start,
 * so the history is complete also for events published before it existed; a rebuild of the status projections
 * leaves it alone. The events of a processor batch are written together just before its transaction commits, with
 * its token.
 */
@Component
@ProcessingGroup(Processors.INCIDENT_HISTORY)
class IncidentHistoryRecorder {

    private static final Logger log = LoggerFactory.getLogger(IncidentHistoryRecorder.class);

    private final JdbcTemplate jdbc;
    private final IncidentProjector projector;

    IncidentHistoryRecorder(JdbcTemplate jdbc, IncidentProjector projector) {
        this.jdbc = jdbc;
        this.projector = projector;
    }

    @EventHandler
    public void on(IncidentEvent event, DomainEventMessage<?> message) {
        Kept kept = new Kept(event.incidentId(), message.getSequenceNumber(), message.getIdentifier(),
                IncidentEvent.CATALOG.typeOf(event.getClass()), projector.toJson(event),
                (String) message.getMetaData().get(IncidentEventMetaData.ACTOR),
                (String) message.getMetaData().get(IncidentEventMetaData.CORRELATION_ID),
                event.occurredAt().atOffset(ZoneOffset.UTC), message.getTimestamp().atOffset(ZoneOffset.UTC));
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            write(List.of(kept));
            return;
        }
        @SuppressWarnings("unchecked")
        List<Kept> pending = (List<Kept>) TransactionSynchronizationManager.getResource(this);
        if (pending == null) {
            List<Kept> created = new ArrayList<>();
            pending = created;
            TransactionSynchronizationManager.bindResource(this, created);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    write(created);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(IncidentHistoryRecorder.this);
                }
            });
        }
        pending.add(kept);
    }

    /** One event as the history keeps it. */
    private record Kept(UUID incidentId, long sequence, String eventId, String type, String payload, String actor,
                        String correlationId, OffsetDateTime occurredAt, OffsetDateTime recordedAt) {
    }

    /**
     * Writes a transaction's events with one statement, in the order received; a sequence already kept is not
     * written again, and one kept under another event id is logged.
     */
    private void write(List<Kept> events) {
        if (events.isEmpty()) {
            return;
        }
        Set<List<Object>> written = new HashSet<>();
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement("""
                    INSERT INTO incident_event (incident_id, sequence, event_id, event_type, payload, actor,
                                                correlation_id, occurred_at, recorded_at)
                    SELECT incident_id, sequence, event_id, event_type, payload::jsonb, actor, correlation_id,
                           occurred_at, recorded_at
                    FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                ?::timestamptz[], ?::timestamptz[])
                         WITH ORDINALITY AS e (incident_id, sequence, event_id, event_type, payload, actor,
                                               correlation_id, occurred_at, recorded_at, received)
                    ORDER BY received
                    ON CONFLICT (incident_id, sequence) DO NOTHING
                    RETURNING incident_id, sequence""");
            ps.setArray(1, con.createArrayOf("uuid", events.stream().map(Kept::incidentId).toArray()));
            ps.setArray(2, con.createArrayOf("bigint", events.stream().map(Kept::sequence).toArray()));
            ps.setArray(3, con.createArrayOf("text", events.stream().map(Kept::eventId).toArray()));
            ps.setArray(4, con.createArrayOf("text", events.stream().map(Kept::type).toArray()));
            ps.setArray(5, con.createArrayOf("text", events.stream().map(Kept::payload).toArray()));
            ps.setArray(6, con.createArrayOf("text", events.stream().map(Kept::actor).toArray()));
            ps.setArray(7, con.createArrayOf("text", events.stream().map(Kept::correlationId).toArray()));
            ps.setArray(8, con.createArrayOf("timestamptz", events.stream().map(Kept::occurredAt).toArray()));
            ps.setArray(9, con.createArrayOf("timestamptz", events.stream().map(Kept::recordedAt).toArray()));
            return ps;
        }, rs -> {
            written.add(List.of(rs.getObject(1, UUID.class), rs.getLong(2)));
        });
        for (Kept event : events) {
            if (written.remove(List.of(event.incidentId(), event.sequence()))) {
                continue;
            }
            List<String> known = jdbc.queryForList(
                    "SELECT event_id FROM incident_event WHERE incident_id = ? AND sequence = ?", String.class,
                    event.incidentId(), event.sequence());
            if (!known.isEmpty() && !known.get(0).equals(event.eventId())) {
                log.error("History of incident {} holds sequence {} as event {}; event {} with the same sequence "
                                  + "was not kept", event.incidentId(), event.sequence(), known.get(0),
                          event.eventId());
            }
        }
    }
}
