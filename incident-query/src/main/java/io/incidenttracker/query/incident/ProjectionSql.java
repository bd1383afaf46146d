package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.query.live.ViewChange;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The SQL of the incident projection, executed at once or written behind.
 * <p>
 * Outside a write-behind batch (the replay of the history, the background rebuild) every write runs when it is
 * issued. The live processor opens a batch for its transaction ({@link #openBatch()}): then the versions (and the
 * severity and status the projection reads) of every incident in the processor's batch are read and locked with one
 * statement and kept for the transaction, the writes are queued and run just before the transaction commits (with the
 * processor's token), writes of the same declared statement together as one JDBC batch, and each incident's version
 * moves with one statement per batch instead of one per event. Which writes may share a batch and in which order the
 * batches run follows from what each write declares ({@link ProjectionWrite}: its table, its kind, the tables it
 * reads), never from its SQL text; the rules are those of {@link WriteQueue}. Anything that reads, or needs a count,
 * first runs the queue. The outcome is the one of running every statement at once, in order.
 */
final class ProjectionSql {

    /** An incident's version moves to the sequence of its last applied event, with that event's times. */
    static final ProjectionWrite VERSION_MOVED = ProjectionWrite.update(ProjectionTable.INCIDENT,
            "version = ?, last_occurred_at = ?, last_recorded_at = ?", "incident_id = ?");

    /**
     * The board rows of the given services (a text array, given twice) recomputed from their states in every
     * incident: the worst state, ties broken by the latest change, then by the lowest incident id (the order of the
     * index {@code incident_service_board_idx}, so each service is one index probe).
     * <p>
     * The board rows are locked first (inserted if new), in service order, and the recomputation is a statement of
     * its own, so it reads every change committed before it got the locks: two transactions changing the same
     * service in different incidents cannot overwrite each other's board row with a stale one. Both statements go to
     * the database in one round trip.
     */
    static final String SERVICE_BOARD_RECOMPUTED;

    static {
        // each service given (a text array), with its worst state across incidents as w
        String worstOfEach = """
                unnest(?::text[]) AS s (service_id)
                CROSS JOIN LATERAL (SELECT state, since, incident_id FROM incident_service i
                                    WHERE i.service_id = s.service_id
                                    ORDER BY CASE state WHEN 'UNAVAILABLE' THEN 2 WHEN 'DEGRADED' THEN 1 ELSE 0 END DESC,
                                             since DESC, incident_id
                                    LIMIT 1) w""";
        SERVICE_BOARD_RECOMPUTED = "INSERT INTO service_board AS b (service_id, state, since, incident_id) "
                + "SELECT s.service_id, w.state, w.since, w.incident_id FROM " + worstOfEach
                + " ORDER BY s.service_id ON CONFLICT (service_id) DO UPDATE SET state = b.state WHERE FALSE; "
                + "UPDATE service_board b SET state = w.state, since = w.since, incident_id = w.incident_id FROM "
                + worstOfEach + " WHERE b.service_id = s.service_id "
                + "AND (b.state, b.since, b.incident_id) IS DISTINCT FROM (w.state, w.since, w.incident_id)";
    }

    private final JdbcTemplate jdbc;
    private final Completion completion;

    ProjectionSql(JdbcTemplate jdbc) {
        this(jdbc, null);
    }

    /** With a completion: told what a batch changed, in its transaction before it commits. */
    ProjectionSql(JdbcTemplate jdbc, Completion completion) {
        this.jdbc = jdbc;
        this.completion = completion;
    }

    /**
     * What the views of one write-behind batch changed: incidents that moved (with their new version, status and
     * severity), incidents whose view changed without an event of their own (the target of a link), services whose
     * board row may have changed.
     */
    record Changes(List<ViewChange.IncidentChanged> incidents, Set<UUID> touched, Set<String> services) {

        boolean isEmpty() {
            return incidents.isEmpty() && touched.isEmpty() && services.isEmpty();
        }

        /** Every incident whose detail changed. */
        Set<UUID> incidentViews() {
            Set<UUID> all = new TreeSet<>(touched);
            incidents.forEach(changed -> all.add(changed.incidentId()));
            return all;
        }

    }

    /** Told what a batch changed, in its transaction after its writes ran (the stream's log is ViewChangeLog's). */
    @FunctionalInterface
    interface Completion {
        void beforeCommit(Changes changes);
    }

    /** A text array parameter. */
    record TextArray(Collection<?> values) {
    }

    static TextArray textArray(Collection<?> values) {
        return new TextArray(values);
    }

    /**
     * Opens the write-behind batch of the current transaction, if there is a transaction and it has none yet; the
     * queue runs before the transaction commits and the batch ends with it.
     */
    void openBatch() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()
                || TransactionSynchronizationManager.hasResource(ProjectionSql.class)) {
            return;
        }
        Batch batch = new Batch();
        TransactionSynchronizationManager.bindResource(ProjectionSql.class, batch);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                batch.flush();
                recomputeBoard(batch.services);
                if (completion != null && !batch.changes().isEmpty()) {
                    completion.beforeCommit(batch.changes());
                }
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(ProjectionSql.class);
            }
        });
    }

    private Batch batch() {
        return (Batch) TransactionSynchronizationManager.getResource(ProjectionSql.class);
    }

    /** A write whose count nobody reads: queued in a batch, else run at once. */
    void write(ProjectionWrite write, Object... args) {
        Batch batch = batch();
        if (batch == null) {
            jdbc.update(write.sql(), setter(args));
        } else {
            batch.queue.add(write, args);
        }
    }

    /** A write whose count matters: runs the queue, then the statement. */
    int update(ProjectionWrite write, Object... args) {
        flush();
        return jdbc.update(write.sql(), setter(args));
    }

    <T> List<T> query(String sql, RowMapper<T> rows, Object... args) {
        flush();
        return jdbc.query(sql, setter(args), rows);
    }

    <T> T queryForObject(String sql, Class<T> type, Object... args) {
        flush();
        return jdbc.queryForObject(sql, type, args);
    }

    /** Runs what is queued. */
    void flush() {
        Batch batch = batch();
        if (batch != null) {
            batch.flush();
        }
    }

    /** The incident's version (the sequence of its last applied event), its row locked; empty if it has none. */
    Optional<Long> lockedVersion(UUID incidentId) {
        Batch batch = batch();
        if (batch == null) {
            return jdbc.query("SELECT version FROM incident WHERE incident_id = ? FOR UPDATE",
                              (rs, i) -> rs.getLong(1), incidentId).stream().findFirst();
        }
        return batch.row(incidentId).map(row -> row.version);
    }

    /** An incident was created at version 0 (its INSERT issued through {@link #write}). */
    void created(UUID incidentId, String severity, String status) {
        Batch batch = batch();
        if (batch != null) {
            batch.rows.put(incidentId, new IncidentRow(0, severity, status));
            batch.changed.add(incidentId);
        }
    }

    /** An incident's view changed without an event of its own (another incident linked it). */
    void touched(UUID incidentId) {
        Batch batch = batch();
        if (batch != null) {
            batch.touched.add(incidentId);
        }
    }

    /**
     * A service's state changed in some incident, so its board row may have: recomputed before the batch's
     * transaction commits, once for all its services, after its other writes; at once outside a batch.
     */
    void serviceChanged(String serviceId) {
        Batch batch = batch();
        if (batch != null) {
            batch.services.add(serviceId);
        } else {
            recomputeBoard(Set.of(serviceId));
        }
    }

    private void recomputeBoard(Set<String> services) {
        if (!services.isEmpty()) {
            TextArray serviceIds = textArray(new TreeSet<>(services));
            jdbc.update(SERVICE_BOARD_RECOMPUTED, setter(new Object[]{serviceIds, serviceIds}));
        }
    }

    /** The incident's version moves to {@code sequence}, with the times of that event. */
    void advanced(UUID incidentId, long sequence, OffsetDateTime occurredAt, OffsetDateTime recordedAt) {
        Batch batch = batch();
        if (batch == null) {
            jdbc.update(VERSION_MOVED.sql(), sequence, occurredAt, recordedAt, incidentId);
        } else {
            IncidentRow row = batch.existing(incidentId);
            row.version = sequence;
            row.occurredAt = occurredAt;
            row.recordedAt = recordedAt;
            batch.moved.add(incidentId);
            batch.changed.add(incidentId);
        }
    }

    /** The columns of an incident's row that the projection reads back, and the writes that set them. */
    enum Column {
        SEVERITY("severity"), STATUS("status");

        private final String sql;
        private final ProjectionWrite set;

        Column(String sql) {
            this.sql = sql;
            this.set = ProjectionWrite.update(ProjectionTable.INCIDENT, sql + " = ?", "incident_id = ?");
        }

        String sql() {
            return sql;
        }
    }

    /** A column of the incident's row, as this transaction has it. */
    String read(UUID incidentId, Column column) {
        Batch batch = batch();
        return batch == null
                ? jdbc.queryForObject("SELECT " + column.sql() + " FROM incident WHERE incident_id = ?", String.class,
                                      incidentId)
                : batch.existing(incidentId).columns.get(column);
    }

    void set(UUID incidentId, Column column, String value) {
        write(column.set, value, incidentId);
        Batch batch = batch();
        if (batch != null) {
            batch.existing(incidentId).columns.put(column, value);
        }
    }

    /** False only when the incident is known to have no parked events. */
    boolean mayHaveParked(UUID incidentId) {
        Batch batch = batch();
        return batch == null || batch.parked.contains(incidentId) || !batch.rows.containsKey(incidentId);
    }

    /** The incident has parked events now. */
    void parked(UUID incidentId) {
        Batch batch = batch();
        if (batch != null) {
            batch.parked.add(incidentId);
        }
    }

    /** What the projection reads of an incident's row, as this transaction has it. */
    private static final class IncidentRow {
        long version;
        OffsetDateTime occurredAt;
        OffsetDateTime recordedAt;
        final Map<Column, String> columns = new EnumMap<>(Column.class);

        IncidentRow(long version, String severity, String status) {
            this.version = version;
            columns.put(Column.SEVERITY, severity);
            columns.put(Column.STATUS, status);
        }
    }

    /** The write-behind state of one transaction. */
    private final class Batch {
        final WriteQueue queue = new WriteQueue();
        /** The incidents read or created in this transaction; null for one without a row. */
        final Map<UUID, IncidentRow> rows = new HashMap<>();
        final Set<UUID> moved = new TreeSet<>();
        final Set<UUID> parked = new HashSet<>();
        /** What the views saw change in this transaction, for {@link Completion}. */
        final Set<UUID> changed = new TreeSet<>();
        final Set<UUID> touched = new TreeSet<>();
        final Set<String> services = new TreeSet<>();
        private Changes changes;

        /** The changes of the transaction, taken once its writes have all run. */
        Changes changes() {
            if (changes == null) {
                List<ViewChange.IncidentChanged> incidents = new ArrayList<>();
                for (UUID id : changed) {
                    IncidentRow row = rows.get(id);
                    incidents.add(new ViewChange.IncidentChanged(id, row.version, row.columns.get(Column.STATUS),
                                                                 row.columns.get(Column.SEVERITY)));
                }
                changes = new Changes(List.copyOf(incidents), new TreeSet<>(touched), new TreeSet<>(services));
            }
            return changes;
        }

        Optional<IncidentRow> row(UUID incidentId) {
            if (!rows.containsKey(incidentId)) {
                lock(incidentsOfTheUnitOfWork(incidentId));
            }
            return Optional.ofNullable(rows.get(incidentId));
        }

        /** An incident whose version was checked in this transaction, so that its row exists. */
        IncidentRow existing(UUID incidentId) {
            return row(incidentId).orElseThrow(() -> new IllegalStateException("No incident " + incidentId));
        }

        /**
         * Reads and locks the versions of the given incidents and which of them have parked events; in incident
         * order, so that two writers lock in the same order. An incident without a row maps to null.
         */
        private void lock(Set<UUID> incidents) {
            List<UUID> wanted = incidents.stream().filter(id -> !rows.containsKey(id)).toList();
            if (wanted.isEmpty()) {
                return;
            }
            Map<UUID, IncidentRow> found = new HashMap<>();
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement("SELECT incident_id, version, severity, status "
                        + "FROM incident WHERE incident_id = ANY (?) ORDER BY incident_id FOR UPDATE");
                ps.setArray(1, con.createArrayOf("uuid", wanted.toArray()));
                return ps;
            }, rs -> {
                found.put(rs.getObject(1, UUID.class), new IncidentRow(rs.getLong(2), rs.getString(3), rs.getString(4)));
            });
            jdbc.query(con -> {
                PreparedStatement ps = con.prepareStatement(
                        "SELECT DISTINCT incident_id FROM pending_event WHERE incident_id = ANY (?)");
                ps.setArray(1, con.createArrayOf("uuid", wanted.toArray()));
                return ps;
            }, rs -> {
                parked.add(rs.getObject(1, UUID.class));
            });
            for (UUID id : wanted) {
                rows.put(id, found.get(id));
            }
        }

        void flush() {
            for (UUID id : moved) {
                IncidentRow row = rows.get(id);
                queue.add(VERSION_MOVED, new Object[]{row.version, row.occurredAt, row.recordedAt, id});
            }
            moved.clear();
            for (WriteQueue.Batch batch : queue.drain()) {
                ProjectionWrite write = batch.write();
                for (List<Object[]> round : write.rounds(batch.rows())) {
                    run(write, round);
                }
            }
        }

        /** One round of a write's rows: one statement each, or one JDBC batch (multi-row statements for inserts). */
        private void run(ProjectionWrite write, List<Object[]> arguments) {
            if (arguments.size() == 1 || write.rowByRow()) {
                for (Object[] row : arguments) {
                    jdbc.update(write.sql(), setter(row));
                }
                return;
            }
            jdbc.batchUpdate(write.sql(), new BatchPreparedStatementSetter() {
                @Override
                public void setValues(PreparedStatement ps, int i) throws SQLException {
                    bind(ps, arguments.get(i));
                }

                @Override
                public int getBatchSize() {
                    return arguments.size();
                }
            });
        }
    }

    /** The incidents of every event in the processor's current batch, and the one asked for. */
    private static Set<UUID> incidentsOfTheUnitOfWork(UUID asked) {
        Set<UUID> incidents = new TreeSet<>();
        incidents.add(asked);
        if (CurrentUnitOfWork.isStarted()) {
            UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
            if (unitOfWork instanceof BatchingUnitOfWork<?> batch) {
                for (Message<?> message : batch.getMessages()) {
                    if (message.getPayload() instanceof IncidentEvent event && event.incidentId() != null) {
                        incidents.add(event.incidentId());
                    }
                }
            }
        }
        return incidents;
    }

    private static PreparedStatementSetter setter(Object[] args) {
        return ps -> bind(ps, args);
    }

    private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                // the column's type, inferred by the server; asking the driver for it could cost a round trip
                ps.setNull(i + 1, Types.NULL);
            } else if (args[i] instanceof TextArray array) {
                ps.setArray(i + 1, ps.getConnection().createArrayOf("text", array.values().toArray()));
            } else {
                StatementCreatorUtils.setParameterValue(ps, i + 1, SqlTypeValue.TYPE_UNKNOWN, args[i]);
            }
        }
    }
}
