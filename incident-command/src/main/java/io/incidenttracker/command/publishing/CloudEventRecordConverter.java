package io.incidenttracker.command.publishing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.events.incident.IncidentEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;

import java.net.URI;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Turns a stored incident event into a binary-mode CloudEvent record: key and {@code subject} = the incident id,
 * {@code type} = the event's published name and revision, {@code time} = when it happened, {@code source} = this
 * service, and the extensions {@code sequence} (zero-padded), {@code actor}, {@code correlationid}, {@code recordedat},
 * {@code aggregatetype} and, when the command carried one, {@code traceparent}. The data is the event's JSON, exactly as the contract's approval tests freeze it.
 */
public class CloudEventRecordConverter implements KafkaMessageConverter<String, CloudEvent> {

    static final String AGGREGATE_TYPE = "incident";

    private final ObjectMapper objectMapper;
    private final URI source;

    public CloudEventRecordConverter(ObjectMapper objectMapper, URI source) {
        this.objectMapper = objectMapper;
        this.source = source;
    }

    @Override
    public ProducerRecord<String, CloudEvent> createKafkaMessage(EventMessage<?> message, String topic) {
        if (!(message instanceof DomainEventMessage<?> domainMessage)
                || !(message.getPayload() instanceof IncidentEvent event)) {
            throw new IllegalArgumentException("Only incident events are published, not " + message.getPayloadType());
        }
        String incidentId = event.incidentId().toString();
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(message.getIdentifier())
                .withSource(source)
                .withType(IncidentEvent.CATALOG.typeOf(event.getClass()))
                .withSubject(incidentId)
                .withTime(event.occurredAt().atOffset(ZoneOffset.UTC))
                .withDataContentType(CloudEventsContract.DATA_CONTENT_TYPE)
                .withExtension(CloudEventsContract.EXT_SEQUENCE,
                               CloudEventsContract.formatSequence(domainMessage.getSequenceNumber()))
                .withExtension(CloudEventsContract.EXT_ACTOR, metaData(message, "actor"))
                .withExtension(CloudEventsContract.EXT_CORRELATION_ID, metaData(message, "correlationId"))
                .withExtension(CloudEventsContract.EXT_RECORDED_AT, message.getTimestamp().toString())
                .withExtension(CloudEventsContract.EXT_AGGREGATE_TYPE, AGGREGATE_TYPE)
                .withData(json(event));
        Object traceparent = message.getMetaData().get(CloudEventsContract.EXT_TRACEPARENT);
        if (traceparent != null) {
            builder.withExtension(CloudEventsContract.EXT_TRACEPARENT, traceparent.toString());
        }
        return new ProducerRecord<>(topic, incidentId, builder.build());
    }

    /** This service only publishes; it reads nothing from Kafka. */
    @Override
    public Optional<EventMessage<?>> readKafkaMessage(ConsumerRecord<String, CloudEvent> consumerRecord) {
        throw new IllegalStateException("The command service does not consume incident events");
    }

    private byte[] json(IncidentEvent event) {
        try {
            return objectMapper.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize " + event.getClass().getSimpleName(), e);
        }
    }

    private static String metaData(EventMessage<?> message, String key) {
        Object value = message.getMetaData().get(key);
        return value == null ? "unknown" : value.toString();
    }
}
