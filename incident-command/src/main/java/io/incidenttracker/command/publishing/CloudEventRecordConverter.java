package io.incidenttracker.command.publishing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.events.EventCatalog;
import io.incidenttracker.events.incident.IncidentEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.axonframework.serialization.SerializedType;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a stored incident event into a binary-mode CloudEvent record: key and {@code subject} = the incident id,
 * {@code type} = the event's published name and revision, {@code time} = when it happened, {@code source} = this
 * service, and the extensions {@code sequence} (zero-padded), {@code actor}, {@code correlationid}, {@code recordedat},
 * {@code aggregatetype} and, when the command carried one, {@code traceparent}. The data is the event's JSON, exactly as the contract's approval tests freeze it.
 */
public class CloudEventRecordConverter implements KafkaMessageConverter<String, CloudEvent> {

    static final String AGGREGATE_TYPE = "incident";

    private static final Set<String> PAYLOAD_FIELDS = Set.of("incidentId", "occurredAt");
    private static final Set<String> META_DATA_FIELDS = Set.of("actor", "correlationId",
            CloudEventsContract.EXT_TRACEPARENT);

    private final ObjectMapper objectMapper;
    private final URI source;
    /** Stored payload type and revision to the published type; "" for those that take the full way. */
    private final Map<SerializedType, String> currentTypes = new ConcurrentHashMap<>();

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
        Object traceparent = message.getMetaData().get(CloudEventsContract.EXT_TRACEPARENT);
        return record(topic, message.getIdentifier(), event.incidentId().toString(),
                IncidentEvent.CATALOG.typeOf(event.getClass()), event.occurredAt(),
                domainMessage.getSequenceNumber(), metaData(message, "actor"), metaData(message, "correlationId"),
                message.getTimestamp().toString(), traceparent == null ? null : traceparent.toString(), json(event));
    }

    /**
     * The record of an event as it is stored, without deserializing it, when it is stored at its type's current
     * revision: its stored JSON is then the contract's JSON (the store writes it with this converter's mapper, whose
     * settings the contract's approval tests freeze), so it goes out as it is, and only the fields the record's
     * attributes need are read from it. Empty when the event takes
     * {@link #createKafkaMessage(EventMessage, String) the full way}: an older revision (it is upcast first), a type
     * that is not a published incident event, or stored JSON or metadata that this reader does not recognize. Both ways give the same record ({@code CloudEventRecordConverterTest}).
     */
    Optional<ProducerRecord<String, CloudEvent>> createKafkaMessage(GenericDomainEventEntry<byte[]> stored,
                                                                    String topic) {
        String type = currentTypes.computeIfAbsent(stored.getPayload().getType(),
                                                   CloudEventRecordConverter::currentType);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        try {
            Map<String, String> payload = topLevelStrings(stored.getPayload().getData(), PAYLOAD_FIELDS);
            Map<String, String> metaData = topLevelStrings(stored.getMetaData().getData(), META_DATA_FIELDS);
            if (payload == null || metaData == null || payload.get("occurredAt") == null
                    || !stored.getAggregateIdentifier().equals(payload.get("incidentId"))) {
                return Optional.empty();
            }
            String incidentId = payload.get("incidentId");
            return Optional.of(record(topic, stored.getEventIdentifier(), incidentId, type,
                    Instant.parse(payload.get("occurredAt")),
                    stored.getSequenceNumber(), metaData.getOrDefault("actor", "unknown"),
                    metaData.getOrDefault("correlationId", "unknown"),
                    stored.getTimestamp().toString(),
                    metaData.get(CloudEventsContract.EXT_TRACEPARENT), stored.getPayload().getData()));
        } catch (IOException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private ProducerRecord<String, CloudEvent> record(String topic, String id, String incidentId, String type,
                                                      Instant occurredAt, long sequence, String actor,
                                                      String correlationId, String recordedAt, String traceparent,
                                                      byte[] data) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(id)
                .withSource(source)
                .withType(type)
                .withSubject(incidentId)
                .withTime(occurredAt.atOffset(ZoneOffset.UTC))
                .withDataContentType(CloudEventsContract.DATA_CONTENT_TYPE)
                .withExtension(CloudEventsContract.EXT_SEQUENCE, CloudEventsContract.formatSequence(sequence))
                .withExtension(CloudEventsContract.EXT_ACTOR, actor)
                .withExtension(CloudEventsContract.EXT_CORRELATION_ID, correlationId)
                .withExtension(CloudEventsContract.EXT_RECORDED_AT, recordedAt)
                .withExtension(CloudEventsContract.EXT_AGGREGATE_TYPE, AGGREGATE_TYPE)
                .withData(data);
        if (traceparent != null) {
            builder.withExtension(CloudEventsContract.EXT_TRACEPARENT, traceparent);
        }
        return new ProducerRecord<>(topic, incidentId, builder.build());
    }

    /** The published type of a stored payload type, or "" unless it is an incident event at its current revision. */
    private static String currentType(SerializedType stored) {
        try {
            Class<?> type = Class.forName(stored.getName(), false, IncidentEvent.class.getClassLoader());
            if (IncidentEvent.class.isAssignableFrom(type)
                    && Objects.equals(stored.getRevision(), EventCatalog.revisionOf(type))) {
                return IncidentEvent.CATALOG.typeOf(type);
            }
        } catch (ClassNotFoundException | IllegalArgumentException e) {
            // not a published incident event under this name: the full way decides
        }
        return "";
    }

    /**
     * The named top-level fields of a JSON object that are strings (JSON null counts as absent); null when the
     * document is not an object, or a named field holds anything else than a string or null.
     */
    private Map<String, String> topLevelStrings(byte[] json, Set<String> names) throws IOException {
        Map<String, String> found = new HashMap<>(4);
        try (JsonParser parser = objectMapper.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (names.contains(name)) {
                    if (value == JsonToken.VALUE_STRING) {
                        found.put(name, parser.getText());
                    } else if (value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        return found;
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
