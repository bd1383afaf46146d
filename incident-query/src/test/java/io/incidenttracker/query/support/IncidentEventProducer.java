package io.incidenttracker.query.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventSerializer;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.events.incident.IncidentEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/** Publishes incident events as the command service does: binary-mode CloudEvents, key = incident id. */
public class IncidentEventProducer implements AutoCloseable {

    public static final URI SOURCE = URI.create("urn:incident-tracker:incident-command");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final KafkaProducer<String, CloudEvent> cloudEvents;
    private final KafkaProducer<String, byte[]> raw;

    public IncidentEventProducer(String bootstrapServers) {
        Map<String, Object> common = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        Map<String, Object> cloudEventConfig = new java.util.HashMap<>(common);
        cloudEventConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
        Map<String, Object> rawConfig = new java.util.HashMap<>(common);
        rawConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.cloudEvents = new KafkaProducer<>(cloudEventConfig);
        this.raw = new KafkaProducer<>(rawConfig);
    }

    /** Publishes an event at the given sequence, recorded now, and returns its event id. */
    public String publish(long sequence, IncidentEvent event) {
        return publish(sequence, event, UUID.randomUUID().toString());
    }

    /** Publishes an event with a chosen event id (to deliver the same event twice). */
    public String publish(long sequence, IncidentEvent event, String eventId) {
        send(cloudEvents, new ProducerRecord<>(CloudEventsContract.DEFAULT_TOPIC, event.incidentId().toString(),
                                               cloudEvent(sequence, event, eventId)));
        return eventId;
    }

    /** Publishes an event at the given sequence as caused by the given actor. */
    public void publishAs(long sequence, IncidentEvent event, String actor) {
        CloudEvent cloudEvent = CloudEventBuilder
                .v1(cloudEvent(sequence, event, UUID.randomUUID().toString()))
                .withExtension(CloudEventsContract.EXT_ACTOR, actor)
                .build();
        send(cloudEvents, new ProducerRecord<>(CloudEventsContract.DEFAULT_TOPIC, event.incidentId().toString(),
                                               cloudEvent));
    }

    /** Publishes an event at the given sequence as recorded at the given instant, and returns its event id. */
    public String publishRecordedAt(long sequence, IncidentEvent event, Instant recordedAt) {
        String eventId = UUID.randomUUID().toString();
        CloudEvent cloudEvent = baseEvent(sequence, event.incidentId().toString(), eventId, event.occurredAt(),
                                          recordedAt)
                .withType(IncidentEvent.CATALOG.typeOf(event.getClass()))
                .withData(CloudEventsContract.DATA_CONTENT_TYPE, json(event))
                .build();
        send(cloudEvents, new ProducerRecord<>(CloudEventsContract.DEFAULT_TOPIC, event.incidentId().toString(),
                                               cloudEvent));
        return eventId;
    }

    /** Publishes a record as it is, for records of other revisions or shapes than this build's events. */
    public void publishCloudEvent(CloudEvent cloudEvent) {
        send(cloudEvents, new ProducerRecord<>(CloudEventsContract.DEFAULT_TOPIC, cloudEvent.getSubject(),
                                               cloudEvent));
    }

    public static CloudEvent cloudEvent(long sequence, IncidentEvent event, String eventId) {
        return baseEvent(sequence, event.incidentId().toString(), eventId, event.occurredAt())
                .withType(IncidentEvent.CATALOG.typeOf(event.getClass()))
                .withData(CloudEventsContract.DATA_CONTENT_TYPE, json(event))
                .build();
    }

    /** A well-formed CloudEvent of a type this service does not know. */
    public void publishUnknownType(UUID incidentId, String type) {
        CloudEvent event = baseEvent(1, incidentId.toString(), UUID.randomUUID().toString(), Instant.now())
                .withType(type)
                .withData(CloudEventsContract.DATA_CONTENT_TYPE, "{}".getBytes(StandardCharsets.UTF_8))
                .build();
        send(cloudEvents, new ProducerRecord<>(CloudEventsContract.DEFAULT_TOPIC, incidentId.toString(), event));
    }

    /** Bytes that are no CloudEvent at all. */
    public void publishGarbage(String key, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(CloudEventsContract.DEFAULT_TOPIC, null, key,
                value, List.of(new RecordHeader("content-type", "text/plain".getBytes(StandardCharsets.UTF_8))));
        send(raw, record);
    }

    private static CloudEventBuilder baseEvent(long sequence, String incidentId, String eventId, Instant time) {
        return baseEvent(sequence, incidentId, eventId, time, Instant.now());
    }

    public static CloudEventBuilder baseEvent(long sequence, String incidentId, String eventId, Instant time,
                                              Instant recordedAt) {
        return CloudEventBuilder.v1()
                .withId(eventId)
                .withSource(SOURCE)
                .withSubject(incidentId)
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withExtension(CloudEventsContract.EXT_SEQUENCE, Long.toString(sequence))
                .withExtension(CloudEventsContract.EXT_ACTOR, "responder")
                .withExtension(CloudEventsContract.EXT_CORRELATION_ID, "corr-" + eventId)
                .withExtension(CloudEventsContract.EXT_RECORDED_AT, recordedAt.toString())
                .withExtension(CloudEventsContract.EXT_AGGREGATE_TYPE, "incident");
    }

    /** The event's JSON exactly as published. */
    public static byte[] json(IncidentEvent event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> void send(KafkaProducer<String, V> producer, ProducerRecord<String, V> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        cloudEvents.close();
        raw.close();
    }
}
