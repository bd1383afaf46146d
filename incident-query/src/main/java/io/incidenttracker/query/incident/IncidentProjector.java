package io.incidenttracker.query.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import io.incidenttracker.query.consuming.IncidentEventMetaData;
import io.incidenttracker.query.consuming.Processors;
import io.incidenttracker.query.live.ViewChangeListener;
import io.incidenttracker.query.live.ViewChangeLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Projects incident events into the status tables: incidents, attack waves, systems, services and the timeline;
 * the life cycle and everything recorded beside it through {@link LifecycleProjection}.
 * <p>
 * Every event passes one per-incident sequence check, under a row lock on the incident:
 * <ul>
 *     <li>at or below the incident's version: a duplicate delivery, ignored and counted;</li>
 *     <li>exactly the next one: applied, and the version moves to its sequence;</li>
 *     <li>further ahead: a gap. The event is parked in {@code pending_event} (never dropped), the gap is logged,
 *     counted and reported DOWN by the projection health, and the parked events are applied in order as soon as
 *     the missing one arrives.</li>
 * </ul>
 * Parking instead of failing keeps the partition moving: the missing event can only arrive behind the one that
 * revealed the gap, and one incident's gap must not stop every other incident on the partition.
 * The rows, the parked events and the processor's token commit in one transaction.
 */
@Component
@ProcessingGroup(Processors.INCIDENT_PROJECTION)
public class IncidentProjector {

    private static final Logger log = LoggerFactory.getLogger(IncidentProjector.class);

    private final JdbcTemplate jdbc;
    private final ProjectionSql sql;
    private final ObjectMapper objectMapper;
    private final Counter applied;
    private final Counter duplicates;
    private final Counter gaps;
    private final Counter conflicts;

    private final LifecycleProjection lifecycle;
    private final ObligationProjection obligations;

    /** Logs what the live projection changes and tells the view change listeners after the commit; null otherwise. */
    private final ViewChangeLog viewChanges;
    /** The stored views (null in a fold of the history into other tables). */
    private final ViewDocuments documents;

    /**
     * The live projection: after the writes of each processor batch, the documents of the views it changed are
     * written in its transaction, the incidents' details marked pending and rendered right after the commit
     * ({@link ViewDocuments}), and what changed is logged for the stream
     * ({@link ViewChangeLog}), which tells every {@link ViewChangeListener} once the transaction has committed.
     */
    @Autowired
    public IncidentProjector(JdbcTemplate jdbc, ObjectMapper objectMapper, MeterRegistry meterRegistry,
                             ViewDocuments documents, ViewChangeLog viewChanges) {
        this(jdbc, objectMapper, meterRegistry,
             changes -> documents.writeBatch(changes.incidentViews(), !changes.services().isEmpty()), viewChanges,
             documents);
    }

    /** The same code without documents or change log: for folds of the history into other tables. */
    IncidentProjector(JdbcTemplate jdbc, ObjectMapper objectMapper, MeterRegistry meterRegistry) {
        this(jdbc, objectMapper, meterRegistry, (ProjectionSql.Completion) null, null, null);
    }

    private IncidentProjector(JdbcTemplate jdbc, ObjectMapper objectMapper, MeterRegistry meterRegistry,
                              ProjectionSql.Completion completion, ViewChangeLog viewChanges,
                              ViewDocuments documents) {
        this.viewChanges = viewChanges;
        this.documents = documents;
        this.jdbc = jdbc;
        this.sql = new ProjectionSql(jdbc, completion);
        this.lifecycle = new LifecycleProjection(sql);
        this.obligations = new ObligationProjection(sql);
        this.objectMapper = objectMapper;
        this.applied = Counter.builder("incident.projection.applied")
                .description("Incident events applied to the status projection").register(meterRegistry);
        this.duplicates = Counter.builder("incident.projection.duplicates")
                .description("Incident events delivered again and ignored").register(meterRegistry);
        this.gaps = Counter.builder("incident.projection.gaps")
                .description("Incident events that arrived before a predecessor and were parked")
                .register(meterRegistry);
        this.conflicts = Counter.builder("incident.projection.conflicts")
                .description("Events whose sequence was already taken by a different event id")
                .register(meterRegistry);
    }

    @EventHandler
    public void on(IncidentEvent event, DomainEventMessage<?> message) {
        Envelope envelope = new Envelope(
                event,
                message.getSequenceNumber(),
                message.getIdentifier(),
                (String) message.getMetaData().get(IncidentEventMetaData.ACTOR),
                (String) message.getMetaData().get(IncidentEventMetaData.CORRELATION_ID),
                message.getTimestamp());
        // the processor's transaction: writes go as one batch per statement before it commits, with the token
        sql.openBatch();
        accept(envelope);
    }

    /**
     * The per-incident sequence check and what follows from it: ignore, park, or apply and drain the parked
     * successors. Also used to fill the tables of a background rebuild from the event history.
     */
    void accept(Envelope envelope) {
        UUID incidentId = envelope.event().incidentId();
        long expected = lockAndGetVersion(incidentId).map(version -> version + 1).orElse(0L);

        if (envelope.sequence() < expected) {
            ignoreDuplicate(envelope);
        } else if (envelope.sequence() > expected) {
            park(envelope, expected);
        } else {
            apply(envelope);
            viewChanged(envelope);
            applied.increment();
            applyParkedSuccessors(incidentId, envelope.sequence());
        }
    }

    /** Every table this projection writes, the incident last (the others refer to it). */
    static final String TABLES = String.join(", ", ProjectionTable.sqlNames());

    private static final ProjectionWrite INCIDENT_OPENED = ProjectionWrite.insertInto(ProjectionTable.INCIDENT,
            "incident_id", "title", "status", "severity", "opened_at", "opened_by", "version", "last_occurred_at",
            "last_recorded_at").values();
    private static final ProjectionWrite TIMELINE_ENTRY = ProjectionWrite.insertInto(ProjectionTable.TIMELINE_ENTRY,
            "incident_id", "sequence", "event_id", "type", "occurred_at", "recorded_at", "actor", "correlation_id",
            "summary").values();
    private static final ProjectionWrite PARKED = ProjectionWrite.insertInto(ProjectionTable.PENDING_EVENT,
            "incident_id", "sequence", "event_id", "event_type", "payload", "actor", "correlation_id", "recorded_at")
            .cast("payload", "jsonb").valuesOnConflictDoNothing("incident_id, sequence");
    private static final ProjectionWrite PARKED_APPLIED = ProjectionWrite.delete(ProjectionTable.PENDING_EVENT,
            "incident_id = ? AND sequence = ?");
    private static final ProjectionWrite ATTACK_WAVE = ProjectionWrite.insertInto(ProjectionTable.ATTACK_WAVE,
            "incident_id", "sequence", "wave", "attack_type", "severity", "description", "detected_at",
            "affected_systems", "techniques").values();
    /** A system already isolated stays isolated; one already affected keeps the time it was first affected. */
    private static final ProjectionWrite SYSTEM_AFFECTED = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_SYSTEM,
            "incident_id", "system_id", "state", "since", "since_sequence").valuesOnConflictUpdate(
            "incident_id, system_id", """
                    state = EXCLUDED.state, since = EXCLUDED.since, since_sequence = EXCLUDED.since_sequence
                    WHERE incident_system.state NOT IN ('ISOLATED', 'AFFECTED')""");
    /** A system's state; {@code since} moves only when the state changes. */
    private static final ProjectionWrite SYSTEM_STATE = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_SYSTEM,
            "incident_id", "system_id", "state", "since", "since_sequence", "isolation_reason", "isolation_method")
            .valuesOnConflictUpdate("incident_id, system_id", """
                    since = CASE WHEN incident_system.state = EXCLUDED.state THEN incident_system.since
                                 ELSE EXCLUDED.since END,
                    since_sequence = CASE WHEN incident_system.state = EXCLUDED.state
                                          THEN incident_system.since_sequence ELSE EXCLUDED.since_sequence END,
                    isolation_reason = CASE WHEN EXCLUDED.state = 'ISOLATED' THEN EXCLUDED.isolation_reason
                                            ELSE incident_system.isolation_reason END,
                    isolation_method = CASE WHEN EXCLUDED.state = 'ISOLATED' THEN EXCLUDED.isolation_method
                                            ELSE incident_system.isolation_method END,
                    state = EXCLUDED.state""");
    /** A service's state in an incident; {@code since} moves only when the state changes. */
    private static final ProjectionWrite SERVICE_STATE = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_SERVICE,
            "incident_id", "service_id", "state", "since", "description", "since_sequence").valuesOnConflictUpdate(
            "incident_id, service_id", """
                    since = CASE WHEN incident_service.state = EXCLUDED.state THEN incident_service.since
                                 ELSE EXCLUDED.since END,
                    since_sequence = CASE WHEN incident_service.state = EXCLUDED.state
                                          THEN incident_service.since_sequence ELSE EXCLUDED.since_sequence END,
                    state = EXCLUDED.state,
                    description = EXCLUDED.description""");

    /** The incident that a correction's corrected event linked to, if it was a link: its detail changes too. */
    List<UUID> linkedBy(OccurredAtCorrected correction) {
        return lifecycle.linkedBy(correction);
    }

    @ResetHandler
    public void reset() {
        // the incident table first, as every other transaction on these tables locks it (DetailRenderer's too)
        jdbc.execute("LOCK TABLE incident IN ACCESS EXCLUSIVE MODE");
        jdbc.execute("TRUNCATE " + TABLES);
        if (documents != null) {
            documents.allChanged();
        }
    }

    private Optional<Long> lockAndGetVersion(UUID incidentId) {
        return sql.lockedVersion(incidentId);
    }

    private void ignoreDuplicate(Envelope envelope) {
        duplicates.increment();
        List<String> known = sql.query(
                "SELECT event_id FROM timeline_entry WHERE incident_id = ? AND sequence = ?", (rs, i) -> rs.getString(1),
                envelope.event().incidentId(), envelope.sequence());
        if (!known.isEmpty() && !known.get(0).equals(envelope.eventId())) {
            conflicts.increment();
            log.error("Incident {} sequence {} was applied as event {}, and now arrives as event {}; kept the first",
                      envelope.event().incidentId(), envelope.sequence(), known.get(0), envelope.eventId());
        } else {
            log.debug("Ignored duplicate of incident {} sequence {}", envelope.event().incidentId(),
                      envelope.sequence());
        }
    }

    private void park(Envelope envelope, long expected) {
        int parked = sql.update(PARKED,
                envelope.event().incidentId(), envelope.sequence(), envelope.eventId(),
                IncidentEvent.CATALOG.typeOf(envelope.event().getClass()), toJson(envelope.event()),
                envelope.actor(), envelope.correlationId(), timestamp(envelope.recordedAt()));
        if (parked == 0) {
            duplicates.increment();
            log.debug("Ignored duplicate of parked incident {} sequence {}", envelope.event().incidentId(),
                      envelope.sequence());
            return;
        }
        sql.parked(envelope.event().incidentId());
        gaps.increment();
        log.error("Gap in incident {}: expected sequence {} but received {} ({}); parked it until the missing "
                          + "events arrive",
                  envelope.event().incidentId(), expected, envelope.sequence(), TimelineSummaries.typeOf(envelope.event()));
    }

    private void applyParkedSuccessors(UUID incidentId, long lastApplied) {
        if (!sql.mayHaveParked(incidentId)) {
            return;
        }
        long next = lastApplied + 1;
        int drained = 0;
        while (true) {
            List<Envelope> parked = sql.query("""
                    SELECT sequence, event_id, event_type, payload::text, actor, correlation_id, recorded_at
                    FROM pending_event WHERE incident_id = ? AND sequence = ?""",
                    (rs, i) -> new Envelope(
                            fromJson(rs.getString("event_type"), rs.getString("payload")),
                            rs.getLong("sequence"),
                            rs.getString("event_id"),
                            rs.getString("actor"),
                            rs.getString("correlation_id"),
                            rs.getObject("recorded_at", OffsetDateTime.class).toInstant()),
                    incidentId, next);
            if (parked.isEmpty()) {
                break;
            }
            apply(parked.get(0));
            viewChanged(parked.get(0));
            applied.increment();
            sql.write(PARKED_APPLIED, incidentId, next);
            drained++;
            next++;
        }
        if (drained > 0) {
            Long stillParked = sql.queryForObject("SELECT count(*) FROM pending_event WHERE incident_id = ?",
                                                   Long.class, incidentId);
            if (stillParked != null && stillParked > 0) {
                log.error("Gap in incident {} narrowed: applied {} parked events, still waiting for sequence {} "
                                  + "({} parked)", incidentId, drained, next, stillParked);
            } else {
                log.info("Gap in incident {} closed: applied {} parked events up to sequence {}", incidentId,
                         drained, next - 1);
            }
        }
    }

    /**
     * The state transition of one event: what every projection table looks like after it. The caller has checked
     * that it is the incident's next event. Shared by the live projection and the replay of the history
     * ({@link IncidentReplay}), so that a past state is computed by exactly the code that computed it then.
     * <p>
     * The event passes three switches over the sealed {@link IncidentEvent}, each naming every event type: the status
     * tables here, then {@link LifecycleProjection} and {@link ObligationProjection}; then its timeline entry
     * ({@link TimelineSummaries}). A new event type compiles only once each of them says what it does with it.
     */
    void apply(Envelope envelope) {
        IncidentEvent event = envelope.event();
        UUID incidentId = event.incidentId();
        long sequence = envelope.sequence();
        if (event instanceof IncidentOpened opened) {
            sql.write(INCIDENT_OPENED,
                    incidentId, opened.title(), IncidentStatus.DETECTED.name(), opened.severity().name(),
                    timestamp(opened.occurredAt()), envelope.actor(), sequence,
                    timestamp(opened.occurredAt()), timestamp(envelope.recordedAt()));
            sql.created(incidentId, opened.severity().name(), IncidentStatus.DETECTED.name());
        } else {
            sql.advanced(incidentId, sequence, timestamp(event.occurredAt()), timestamp(envelope.recordedAt()));
        }
        switch (event) {
            case AttackDetected e -> applyAttack(sequence, e);
            case SystemIsolated e -> setSystemState(incidentId, sequence, e.systemId(), SystemState.ISOLATED,
                    e.occurredAt(), e.reason(), e.method());
            case SystemReconnected e -> setSystemState(incidentId, sequence, e.systemId(), SystemState.RECONNECTED,
                    e.occurredAt(), e.note(), null);
            case ServiceDisruptionReported e -> setServiceState(incidentId, sequence, e.serviceId(),
                    ServiceState.of(e.impact()), e.occurredAt(), e.description());
            case ServiceRestored e -> setServiceState(incidentId, sequence, e.serviceId(), ServiceState.OPERATIONAL,
                    e.occurredAt(), e.note());
            // the incident's row: above; the rest of what it changes: the life cycle and the regulatory clocks below
            case IncidentOpened e -> { }
            case SeverityChanged e -> { }
            case IncidentCommanderAssigned e -> { }
            case FirstActivityEstimated e -> { }
            case IncidentContained e -> { }
            case IncidentResolved e -> { }
            case IncidentClosed e -> { }
            case IncidentReopened e -> { }
            case ForensicAnalysisStarted e -> { }
            case ForensicFindingRecorded e -> { }
            case ForensicAnalysisConcluded e -> { }
            case DataImpactAssessed e -> { }
            case AuthorityNotified e -> { }
            case StatusUpdatePublished e -> { }
            // the linked incident's detail lists the link as incoming
            case IncidentLinked e -> sql.touched(e.linkedIncidentId());
            case OccurredAtCorrected e -> { }
            case IncidentClassified e -> { }
            case ObligationOpened e -> { }
            case ObligationWarningRaised e -> { }
            case ObligationDeadlineMissed e -> { }
            case ObligationFulfilled e -> { }
        }
        lifecycle.apply(sequence, event);
        obligations.apply(sequence, event);
        sql.write(TIMELINE_ENTRY,
                incidentId, sequence, envelope.eventId(), TimelineSummaries.typeOf(event),
                timestamp(event.occurredAt()), timestamp(envelope.recordedAt()), envelope.actor(),
                envelope.correlationId(), event instanceof OccurredAtCorrected correction
                        ? lifecycle.correctionSummary(sequence, correction) : TimelineSummaries.summarize(event));
    }

    /** The live projection's changes go to the stream once its transaction commits (ViewChangeLog). */
    private void viewChanged(Envelope envelope) {
        if (viewChanges != null) {
            UUID incidentId = envelope.event().incidentId();
            viewChanges.applied(envelope.event(), envelope.sequence(),
                    sql.read(incidentId, ProjectionSql.Column.STATUS),
                    sql.read(incidentId, ProjectionSql.Column.SEVERITY));
        }
    }

    private void applyAttack(long sequence, AttackDetected attack) {
        UUID incidentId = attack.incidentId();
        sql.write(ATTACK_WAVE,
                incidentId, sequence, attack.wave(), attack.attackType().name(),
                attack.severity() == null ? null : attack.severity().name(), attack.description(),
                timestamp(attack.occurredAt()), ProjectionSql.textArray(attack.affectedSystems()),
                ProjectionSql.textArray(attack.techniques()));
        if (attack.severity() != null) {
            Severity current = Severity.valueOf(sql.read(incidentId, ProjectionSql.Column.SEVERITY));
            Severity raised = current.atLeast(attack.severity());
            if (raised != current) {
                sql.set(incidentId, ProjectionSql.Column.SEVERITY, raised.name());
                lifecycle.severityRaised(sequence, attack, raised);
            }
        }
        lifecycle.attackDetected(sequence, attack);
        for (String systemId : attack.affectedSystems()) {
            sql.write(SYSTEM_AFFECTED,
                    incidentId, systemId, SystemState.AFFECTED.name(), timestamp(attack.occurredAt()), sequence);
            lifecycle.systemHistory(incidentId, sequence, systemId, SystemState.AFFECTED, attack.occurredAt(), null);
        }
    }

    /** Sets a system's state; {@code since} moves only when the state changes. */
    private void setSystemState(UUID incidentId, long sequence, String systemId, SystemState state, Instant since,
                                String note, IsolationMethod method) {
        sql.write(SYSTEM_STATE,
                incidentId, systemId, state.name(), timestamp(since), sequence,
                state == SystemState.ISOLATED ? note : null, method == null ? null : method.name());
        lifecycle.systemHistory(incidentId, sequence, systemId, state, since, note);
    }

    /**
     * Sets a service's state ({@code since} moves only when the state changes); the service's row of the board is
     * recomputed once the processor's batch has run its writes, once for all the services the batch changed
     * ({@link ProjectionSql#serviceChanged}), or at once outside a batch.
     */
    private void setServiceState(UUID incidentId, long sequence, String serviceId, ServiceState state, Instant since,
                                 String description) {
        OffsetDateTime at = timestamp(since);
        sql.write(SERVICE_STATE, incidentId, serviceId, state.name(), at, description, sequence);
        lifecycle.serviceHistory(incidentId, sequence, serviceId, state, since);
        sql.serviceChanged(serviceId);
    }

    String toJson(IncidentEvent event) {
        try {
            return objectMapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize " + event, e);
        }
    }

    /** Reads an event kept as JSON under its published type (parked, or in the history). */
    IncidentEvent fromJson(String type, String json) {
        Class<?> eventClass = IncidentEvent.CATALOG.classOf(type)
                .orElseThrow(() -> new IllegalStateException("Kept event of unknown type " + type));
        try {
            return (IncidentEvent) objectMapper.readValue(json, eventClass);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot read kept event of type " + type, e);
        }
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** An event with the envelope data the projection keeps. */
    record Envelope(IncidentEvent event, long sequence, String eventId, String actor, String correlationId,
                            Instant recordedAt) {
    }
}
