package io.incidenttracker.query.audit;

import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.query.consuming.IncidentEventMetaData;
import io.incidenttracker.query.consuming.Processors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.MetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(AuditLedgerProjector.class);

    private final AuditLedger ledger;
    private final Counter appended;
    private final Counter duplicates;

    public AuditLedgerProjector(AuditLedger ledger, MeterRegistry meterRegistry) {
        this.ledger = ledger;
        this.appended = Counter.builder("incident.audit.appended")
                .description("Events appended to the audit ledger").register(meterRegistry);
        this.duplicates = Counter.builder("incident.audit.duplicates")
                .description("Events delivered again and not appended to the audit ledger").register(meterRegistry);
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
        long index = ledger.append(entry);
        if (index < 0) {
            duplicates.increment();
            log.debug("Event {} is already in the audit ledger", entry.eventId());
        } else {
            appended.increment();
        }
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
