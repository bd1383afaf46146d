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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the event store in publication order: the events after a position, of transactions older than the oldest one
 * still running on the server (the horizon), ordered by (transaction id, global index), each with where its
 * predecessor in its incident stands. The horizon and the events come from one statement, hence one snapshot: every
 * transaction below the horizon has ended, and each one that committed is visible to it.
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
            FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h
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
