package io.incidenttracker.command.publishing;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.eventsourcing.EventStreamUtils;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcaster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the event store in publication order: the events after a position, of transactions older than the oldest one
 * still running that could write to the event store (the horizon), ordered by (transaction id, global index), each
 * with where its predecessor in its incident stands. The horizon and the events come from one statement, hence one
 * snapshot: every transaction of this database below the horizon has ended, and each one that committed is visible
 * to it.
 * <p>
 * The horizon (decision 0034) is the snapshot's oldest running transaction that is not known to run in another
 * database, or the snapshot's {@code xmax} when there is none. A session of another database on the same server (the
 * query service's projection batches, a rebuild, a report) cannot write here, so its transactions do not hold
 * publication back. A transaction counts as another database's only when {@code pg_stat_activity} shows its id as a
 * session's of another database (it shows every session's database and transaction id to every role); one it does
 * not show (a prepared transaction) holds publication back as every transaction did before. That is safe because the activity is read after the statement's snapshot was taken: a transaction
 * running at the snapshot keeps its session and that session its database until it ends, so no id of this
 * database's can be shown as another's. The statement must therefore run in a transaction of its own (the relay's
 * connection is in auto-commit), never after an earlier read of the activity in the same transaction.
 */
final class StoredEvents {

    /** The horizon (a transaction id; everything below it has ended) and the events read below it. */
    record Read(long horizon, List<StoredEvent> events) {
    }

    /** What to publish next, and the horizon it was read below. */
    record Window(long horizon, PublicationWindow.Plan<StoredEvent> plan) {
    }

    /** One stored event, still serialized. */
    record StoredEvent(Position position, String aggregateId, long sequence, Position predecessor,
                       GenericDomainEventEntry<byte[]> entry) implements PublicationWindow.Entry {
    }

    /**
     * The first events after the position in index order (an ordered range of the position index, stopped by the
     * limit), of which those below the horizon are kept: a prefix, since the range is ordered by transaction id. Each
     * one's predecessor is looked up by the unique (incident, sequence) index in a subquery of its own row; written
     * as a join, the planner may hash the whole table per read when its statistics lag behind a fast-growing table.
     */
    private static final String READ = """
            SELECT h.horizon::text AS horizon, e.transaction_id::text AS transaction_id, e.global_index,
                   e.aggregate_identifier, e.sequence_number, e.type, e.event_identifier, e.meta_data, e.payload,
                   e.payload_revision, e.payload_type, e.time_stamp,
                   (SELECT p.transaction_id::text || ':' || p.global_index
                    FROM domain_event_entry p
                    WHERE p.aggregate_identifier = e.aggregate_identifier
                      AND p.sequence_number = e.sequence_number - 1) AS predecessor
            FROM (SELECT (SELECT COALESCE(min(x), pg_snapshot_xmax(s.snapshot))
                          FROM pg_snapshot_xip(s.snapshot) AS x
                          WHERE (x::text::bigint & 4294967295) NOT IN (
                              SELECT a.backend_xid::text::bigint FROM pg_stat_activity a
                              WHERE a.backend_xid IS NOT NULL AND a.datname <> current_database())) AS horizon
                  FROM (SELECT pg_current_snapshot() AS snapshot) s) h
            LEFT JOIN LATERAL (
                SELECT * FROM domain_event_entry e
                WHERE (e.transaction_id, e.global_index) > (?::text::xid8, ?)
                ORDER BY e.transaction_id, e.global_index
                LIMIT ?) e ON e.transaction_id < h.horizon
            ORDER BY e.transaction_id, e.global_index""";

    private final Serializer serializer;
    private final EventUpcaster upcasters;

    StoredEvents(Serializer serializer, EventUpcaster upcasters) {
        this.serializer = serializer;
        this.upcasters = upcasters;
    }

    private static final int MAX_READ = 65_536;

    /**
     * Readies a session that will read: its statements run with the plan prepared once for them. PostgreSQL would
     * otherwise plan the read again at every execution (0.2 to 0.7 ms of the server's CPU each time, several times
     * what an empty read costs to execute): its generic plan, estimated for any limit, looks dearer than a plan for
     * the limit given, though both walk the position index the same way. The relay reads every few milliseconds
     * while idle, so the planning was most of what its polls cost the server. {@link #resetSession} undoes it before
     * the connection goes back to the pool.
     */
    static void prepareSession(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET plan_cache_mode = force_generic_plan");
        }
    }

    static void resetSession(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("RESET plan_cache_mode");
        }
    }

    /**
     * What may be published next after {@code after} ({@link PublicationWindow}), from up to {@code batchSize} events
     * below the horizon; read further (up to 65,536) when the first event waits for a predecessor past the read.
     */
    Window nextWindow(Connection connection, Position after, int batchSize) throws SQLException {
        for (int limit = batchSize; ; limit = Math.min(MAX_READ, limit * 4)) {
            Read read = read(connection, after, limit);
            PublicationWindow.Plan<StoredEvent> plan = PublicationWindow.plan(after, read.events());
            if (!plan.toSend().isEmpty() || !plan.heldBack() || read.events().size() < limit || limit >= MAX_READ) {
                return new Window(read.horizon(), plan);
            }
        }
    }

    /** At most {@code limit} events after {@code after}, below the horizon. */
    Read read(Connection connection, Position after, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(READ)) {
            statement.setString(1, Long.toString(after.transactionId()));
            statement.setLong(2, after.globalIndex());
            statement.setInt(3, limit);
            long horizon = 0;
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    horizon = Long.parseLong(rows.getString("horizon"));
                    if (rows.getString("transaction_id") != null) {
                        events.add(event(rows));
                    }
                }
            }
            return new Read(horizon, events);
        }
    }

    /** The message the converter turns into a record: deserialized and upcast to the current revision. */
    DomainEventMessage<?> message(StoredEvent event) {
        DomainEventStream stream = EventStreamUtils.upcastAndDeserializeDomainEvents(
                Stream.of(event.entry()), serializer, upcasters);
        if (!stream.hasNext()) {
            throw new IllegalStateException("Event " + event.entry().getEventIdentifier() + " upcasts to nothing");
        }
        return stream.next();
    }

    private static StoredEvent event(ResultSet rows) throws SQLException {
        Position position = new Position(Long.parseLong(rows.getString("transaction_id")),
                rows.getLong("global_index"));
        String found = rows.getString("predecessor");
        int colon = found == null ? -1 : found.indexOf(':');
        Position predecessor = found == null ? null : new Position(Long.parseLong(found.substring(0, colon)),
                Long.parseLong(found.substring(colon + 1)));
        String aggregateId = rows.getString("aggregate_identifier");
        long sequence = rows.getLong("sequence_number");
        GenericDomainEventEntry<byte[]> entry = new GenericDomainEventEntry<>(
                rows.getString("type"), aggregateId, sequence, rows.getString("event_identifier"),
                rows.getString("time_stamp"), rows.getString("payload_type"), rows.getString("payload_revision"),
                rows.getBytes("payload"), rows.getBytes("meta_data"));
        return new StoredEvent(position, aggregateId, sequence, predecessor, entry);
    }
}
