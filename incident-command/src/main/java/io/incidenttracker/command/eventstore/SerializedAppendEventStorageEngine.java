package io.incidenttracker.command.eventstore;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;

/**
 * The JDBC event store with one change: every appending transaction first takes a transaction-scoped PostgreSQL
 * advisory lock, held until it commits or rolls back.
 * <p>
 * Why: the global index comes from a sequence, so without the lock two transactions can take indexes 10 and 11 and
 * commit in the order 11, 10. A tracking processor (the Kafka publisher) that has read 11 treats 10 as a gap and, if
 * 10 commits after the gap timeout, skips it forever (AxonFramework#4829). With the lock, indexes are drawn and
 * committed in one order, so a reader never sees a later index before an earlier one commits; the only gaps left
 * are rolled-back transactions, which never fill. The price is that appends are serialized across all instances,
 * one commit at a time.
 */
public class SerializedAppendEventStorageEngine extends JdbcEventStorageEngine {

    /** The advisory lock key; any constant that nothing else in the database uses. */
    static final long APPEND_LOCK_KEY = 0x1AC1DE47L;

    private final TransactionManager transactionManager;
    private final JdbcTemplate jdbcTemplate;

    public SerializedAppendEventStorageEngine(Builder builder, TransactionManager transactionManager,
                                              JdbcTemplate jdbcTemplate) {
        super(builder.transactionManager(transactionManager));
        this.transactionManager = transactionManager;
        this.jdbcTemplate = jdbcTemplate;
    }

    @Override
    protected void appendEvents(List<? extends EventMessage<?>> events, Serializer serializer) {
        if (events.isEmpty()) {
            return;
        }
        transactionManager.executeInTransaction(() -> {
            jdbcTemplate.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK_KEY + ")");
            super.appendEvents(events, serializer);
        });
    }
}
