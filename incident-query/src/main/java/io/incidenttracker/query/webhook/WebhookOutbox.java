package io.incidenttracker.query.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.query.consuming.IncidentEventMetaData;
import io.incidenttracker.query.consuming.Processors;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DisallowReplay;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Queues a webhook delivery for every subscription that wants an event, in the transaction that moves the
 * {@code webhook-outbox} processor's token: at least once, never inside a command, and a queued delivery is never
 * lost. A subscription receives the events recorded after it was created. The body is the CloudEvent in JSON
 * structured mode, rebuilt from the record as it was published (its data unchanged).
 */
@Component
@ProcessingGroup(Processors.WEBHOOK_OUTBOX)
@DisallowReplay
public class WebhookOutbox {

    private static final String SUBSCRIPTIONS = WebhookOutbox.class.getName() + ".subscriptions";

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;
    private final ObjectMapper objectMapper;
    private final WebhookDispatcher dispatcher;
    private final Clock clock;

    public WebhookOutbox(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries,
                         ObjectMapper objectMapper, WebhookDispatcher dispatcher, ObjectProvider<Clock> clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.objectMapper = objectMapper;
        this.dispatcher = dispatcher;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @EventHandler
    public void on(IncidentEvent event, DomainEventMessage<?> message) {
        MetaData metaData = message.getMetaData();
        String type = (String) metaData.get(IncidentEventMetaData.CLOUD_EVENT_TYPE);
        Instant recordedAt = Instant.parse((String) metaData.get(IncidentEventMetaData.RECORDED_AT));
        List<UUID> wanted = subscriptionsOfThisBatch().stream()
                .filter(s -> !recordedAt.isBefore(s.createdAt()))
                .filter(s -> WebhookEventTypes.matches(s.eventTypes(), type))
                .map(WebhookSubscriptions.Subscription::id)
                .toList();
        if (wanted.isEmpty()) {
            return;
        }
        deliveries.enqueue(wanted, message.getIdentifier(), event.incidentId(), message.getSequenceNumber(), type,
                           structuredCloudEvent(event, message), clock.instant());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatcher.wake();
                }
            });
        }
    }

    /**
     * The subscriptions, read once per processor batch: every event of a batch was fetched before its first handler
     * ran, so a subscription created later has none of them to receive (it wants events recorded after it).
     */
    private List<WebhookSubscriptions.Subscription> subscriptionsOfThisBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return subscriptions.all();
        }
        return CurrentUnitOfWork.get().root().getOrComputeResource(SUBSCRIPTIONS, key -> subscriptions.all());
    }

    /** The CloudEvent in JSON structured mode (CloudEvents JSON format 1.0), data as published. */
    String structuredCloudEvent(IncidentEvent event, DomainEventMessage<?> message) {
        MetaData metaData = message.getMetaData();
        ObjectNode json = objectMapper.createObjectNode();
        json.put("specversion", "1.0");
        json.put("id", message.getIdentifier());
        json.put("source", (String) metaData.get(IncidentEventMetaData.SOURCE));
        json.put("type", (String) metaData.get(IncidentEventMetaData.CLOUD_EVENT_TYPE));
        json.put("subject", event.incidentId().toString());
        json.put("time", event.occurredAt().toString());
        json.put("datacontenttype", CloudEventsContract.DATA_CONTENT_TYPE);
        json.put(CloudEventsContract.EXT_SEQUENCE, Long.toString(message.getSequenceNumber()));
        json.put(CloudEventsContract.EXT_ACTOR, (String) metaData.get(IncidentEventMetaData.ACTOR));
        Object correlationId = metaData.get(IncidentEventMetaData.CORRELATION_ID);
        if (correlationId != null) {
            json.put(CloudEventsContract.EXT_CORRELATION_ID, correlationId.toString());
        }
        json.put(CloudEventsContract.EXT_RECORDED_AT, (String) metaData.get(IncidentEventMetaData.RECORDED_AT));
        json.put(CloudEventsContract.EXT_AGGREGATE_TYPE, IncidentEventMetaData.AGGREGATE_TYPE);
        try {
            json.set("data", objectMapper.readTree((String) metaData.get(IncidentEventMetaData.DATA)));
            return objectMapper.writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
