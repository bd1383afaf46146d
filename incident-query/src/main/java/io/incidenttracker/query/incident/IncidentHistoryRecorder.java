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

import java.time.ZoneOffset;
import java.util.List;

/**
 * Keeps every incident event as received in {@code incident_event}, the history that {@link IncidentReplay} folds
 * to answer what was recorded at a past instant. A delivery of a sequence already kept is ignored (a second event
 * id for the same sequence is logged as a conflict and not kept). Its own processor reads the topic from the start,
 * so the history is complete also for events published before it existed; a rebuild of the status projections
 * leaves it alone.
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
        int kept = jdbc.update("""
                INSERT INTO incident_event (incident_id, sequence, event_id, event_type, payload, actor,
                                            correlation_id, occurred_at, recorded_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
                ON CONFLICT (incident_id, sequence) DO NOTHING""",
                event.incidentId(), message.getSequenceNumber(), message.getIdentifier(),
                IncidentEvent.CATALOG.typeOf(event.getClass()), projector.toJson(event),
                message.getMetaData().get(IncidentEventMetaData.ACTOR),
                message.getMetaData().get(IncidentEventMetaData.CORRELATION_ID),
                event.occurredAt().atOffset(ZoneOffset.UTC), message.getTimestamp().atOffset(ZoneOffset.UTC));
        if (kept == 0) {
            List<String> known = jdbc.queryForList(
                    "SELECT event_id FROM incident_event WHERE incident_id = ? AND sequence = ?", String.class,
                    event.incidentId(), message.getSequenceNumber());
            if (!known.isEmpty() && !known.get(0).equals(message.getIdentifier())) {
                log.error("History of incident {} holds sequence {} as event {}; event {} with the same sequence "
                                  + "was not kept", event.incidentId(), message.getSequenceNumber(), known.get(0),
                          message.getIdentifier());
            }
        }
    }
}
