package io.incidenttracker.query.audit;

import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.query.consuming.IncidentEventMetaData;
import io.incidenttracker.query.consuming.Processors;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.MetaData;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * Appends every incident event to the audit ledger, in the order its processor consumes them, in the transaction
 * that moves the processor's token: an event is in the ledger exactly once or its token has not moved. Records that
 * cannot be read are not events and stay out (they are kept by the projection's processor). The ledger is never
 * reset and never replayed: there is no reset handler, and replayed events are ignored.
 */
@Component
@ProcessingGroup(Processors.AUDIT_LEDGER)
@DisallowReplay
public class AuditLedgerProjector {

    private final AuditLedger ledger;

    public AuditLedgerProjector(AuditLedger ledger) {
        this.ledger = ledger;
    }

    @EventHandler
    public void on(IncidentEvent event, DomainEventMessage<?> message) {
        MetaData metaData = message.getMetaData();
        AuditLedger.NewEntry entry = new AuditLedger.NewEntry(
                message.getIdentifier(),
                event.incidentId(),
                message.getSequenceNumber(),
                required(metaData, IncidentEventMetaData.CLOUD_EVENT_TYPE),
                event.occurredAt(),
                Instant.parse(required(metaData, IncidentEventMetaData.RECORDED_AT)),
                required(metaData, IncidentEventMetaData.ACTOR),
                (String) metaData.get(IncidentEventMetaData.CORRELATION_ID),
                required(metaData, IncidentEventMetaData.DATA));
        ledger.append(entry);
    }

    private static String required(MetaData metaData, String key) {
        Object value = metaData.get(key);
        if (value == null) {
            // never skip: the processor retries, and the missing piece shows in the log
            throw new IllegalStateException("Incident event without metadata '" + key + "'; cannot append it to "
                    + "the audit ledger");
        }
        return value.toString();
    }
}
