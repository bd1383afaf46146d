package io.incidenttracker.query.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.query.live.ViewChange.IncidentChanged;
import io.incidenttracker.query.live.ViewChange.ObligationChanged;
import io.incidenttracker.query.live.ViewChange.ServiceChanged;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Logs what the status projection changes, in the projection's own transaction, and tells every
 * {@link ViewChangeListener} once that transaction has committed.
 * <p>
 * The projection reports each event it applies ({@link #applied}); the changes of one transaction are collected (an
 * incident, a service or an obligation changed twice in it is logged once, with its last state), and written to
 * {@code view_change} just before the transaction commits, after the projection's own rows. Their ids are taken from
 * {@code view_change_position} under its row lock, held until the commit: ids become visible in increasing order with
 * no gap (docs/decisions/0022-stream-ids-in-commit-order.md). A transaction that rolls back logs nothing and tells
 * nobody.
 */
@Component
public class ViewChangeLog {

    private static final Logger log = LoggerFactory.getLogger(ViewChangeLog.class);

    static final String INCIDENT = "incident";
    static final String SERVICE = "service";
    static final String OBLIGATION = "obligation";

    private final JdbcTemplate jdbc;
    private final ObjectMapper objectMapper;
    private final ObjectProvider<ViewChangeListener> listeners;

    public ViewChangeLog(JdbcTemplate jdbc, ObjectMapper objectMapper, ObjectProvider<ViewChangeListener> listeners) {
        this.jdbc = jdbc;
        this.objectMapper = objectMapper;
        this.listeners = listeners;
    }

    /** One change as logged: its kind, the incident whose event made it, the change. */
    private record Pending(String kind, UUID incidentId, ViewChange change) {
    }

    /**
     * The projection applied this event of the incident, which is now at {@code version} with this status and
     * severity. Outside a transaction (nothing to commit with) it logs nothing.
     */
    public void applied(IncidentEvent event, long version, String status, String severity) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return;
        }
        UUID incidentId = event.incidentId();
        Map<List<Object>, Pending> changes = changesOfThisTransaction();
        put(changes, List.of(INCIDENT, incidentId), new Pending(INCIDENT, incidentId,
                new IncidentChanged(incidentId, version, status, severity)));
        switch (event) {
            case ServiceDisruptionReported e -> service(changes, incidentId, e.serviceId());
            case ServiceRestored e -> service(changes, incidentId, e.serviceId());
            case ObligationOpened e -> obligation(changes, incidentId, e.regime(), e.clock(), "OPEN");
            case ObligationWarningRaised e -> obligation(changes, incidentId, e.regime(), e.clock(), "WARNED");
            case ObligationDeadlineMissed e -> obligation(changes, incidentId, e.regime(), e.clock(), "MISSED");
            case ObligationFulfilled e -> obligation(changes, incidentId, e.regime(), e.clock(), "FULFILLED");
            default -> {
                // the incident's view only
            }
        }
    }

    private static void service(Map<List<Object>, Pending> changes, UUID incidentId, String serviceId) {
        put(changes, List.of(SERVICE, serviceId), new Pending(SERVICE, incidentId, new ServiceChanged(serviceId)));
    }

    private static void obligation(Map<List<Object>, Pending> changes, UUID incidentId, String regime, String clock,
                                   String state) {
        String obligationId = regime + "/" + clock;
        put(changes, List.of(OBLIGATION, incidentId, obligationId), new Pending(OBLIGATION, incidentId,
                new ObligationChanged(incidentId, obligationId, state)));
    }

    /** The latest change of a view goes last: the log's order is the order of the views' last changes. */
    private static void put(Map<List<Object>, Pending> changes, List<Object> key, Pending change) {
        changes.remove(key);
        changes.put(key, change);
    }

    @SuppressWarnings("unchecked")
    private Map<List<Object>, Pending> changesOfThisTransaction() {
        Map<List<Object>, Pending> changes =
                (Map<List<Object>, Pending>) TransactionSynchronizationManager.getResource(ViewChangeLog.class);
        if (changes != null) {
            return changes;
        }
        Map<List<Object>, Pending> created = new LinkedHashMap<>();
        TransactionSynchronizationManager.bindResource(ViewChangeLog.class, created);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                write(List.copyOf(created.values()));
            }

            @Override
            public void afterCommit() {
                tell(created.values().stream().map(Pending::change).toList());
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(ViewChangeLog.class);
            }
        });
        return created;
    }

    /** Takes the ids (locking the position row until the commit) and inserts the rows. */
    private void write(List<Pending> changes) {
        if (changes.isEmpty()) {
            return;
        }
        Long last = jdbc.queryForObject(
                "UPDATE view_change_position SET last_id = last_id + ? RETURNING last_id", Long.class,
                changes.size());
        long first = last - changes.size() + 1;
        List<Object[]> rows = new ArrayList<>(changes.size());
        for (int i = 0; i < changes.size(); i++) {
            Pending change = changes.get(i);
            rows.add(new Object[] {first + i, change.kind(), change.incidentId(), json(change.change())});
        }
        jdbc.batchUpdate("INSERT INTO view_change (id, kind, incident_id, payload) VALUES (?, ?, ?, ?)", rows);
    }

    private void tell(List<ViewChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        listeners.orderedStream().forEach(listener -> {
            try {
                listener.viewsChanged(changes);
            } catch (RuntimeException e) {
                log.warn("A view change listener failed; the changes are logged and reach the stream anyway", e);
            }
        });
    }

    private String json(ViewChange change) {
        try {
            return objectMapper.writeValueAsString(change);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write " + change, e);
        }
    }
}
