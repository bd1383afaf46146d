package io.incidenttracker.command.publishing;

import io.cloudevents.CloudEvent;
import io.incidenttracker.command.eventstore.SerializationConfiguration;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.events.EventCatalog;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.testsupport.EventSamples;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.eventhandling.GenericDomainEventEntry;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay sends an event stored at its current revision as stored, without deserializing it; the record must be
 * the one the full way (deserialize, upcast, serialize again) gives, for every published event type.
 */
class CloudEventRecordConverterTest {

    private static final UUID INCIDENT = UUID.fromString("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10");
    private static final Instant AT = Instant.parse("2023-08-30T06:15:00Z");
    private static final Instant RECORDED = Instant.parse("2023-08-30T06:15:01.250Z");

    private final Serializer serializer = JacksonSerializer.builder()
            .objectMapper(SerializationConfiguration.eventObjectMapper())
            .revisionResolver(EventCatalog::revisionOf)
            .build();
    private final StoredEvents storedEvents = new StoredEvents(serializer, new EventUpcasterChain());
    private final CloudEventRecordConverter converter = new CloudEventRecordConverter(
            SerializationConfiguration.eventObjectMapper(), URI.create("urn:incident-tracker:incident-command"));

    static Stream<Class<?>> publishedTypes() {
        return IncidentEvent.CATALOG.types().values().stream();
    }

    @ParameterizedTest
    @MethodSource("publishedTypes")
    void anEventStoredAtItsCurrentRevisionGoesOutAsTheFullWayWouldSendIt(Class<?> type) throws Exception {
        Map<String, Object> metaData = Map.of("actor", "responder", "correlationId", "ticket-4711",
                CloudEventsContract.EXT_TRACEPARENT, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                "other", 42);
        GenericDomainEventEntry<byte[]> stored = stored(sample(type), metaData, null);

        ProducerRecord<String, CloudEvent> fast = converter.createKafkaMessage(stored, "topic").orElseThrow();
        ProducerRecord<String, CloudEvent> full = fullWay(stored);

        assertSameRecord(fast, full);
        assertThat(new String(fast.value().getData().toBytes(), StandardCharsets.UTF_8))
                .isEqualTo(new String(stored.getPayload().getData(), StandardCharsets.UTF_8));
    }

    @Test
    void withoutActorCorrelationAndTraceBothWaysSayTheSame() throws Exception {
        GenericDomainEventEntry<byte[]> stored = stored(sample(publishedTypes().findFirst().orElseThrow()),
                Map.of(), null);
        ProducerRecord<String, CloudEvent> fast = converter.createKafkaMessage(stored, "topic").orElseThrow();
        assertSameRecord(fast, fullWay(stored));
        assertThat(fast.value().getExtension(CloudEventsContract.EXT_ACTOR)).isEqualTo("unknown");
        assertThat(fast.value().getExtension(CloudEventsContract.EXT_TRACEPARENT)).isNull();
    }

    @Test
    void anEventOfAnOlderRevisionTakesTheFullWay() throws Exception {
        GenericDomainEventEntry<byte[]> stored = stored(sample(publishedTypes().findFirst().orElseThrow()),
                Map.of("actor", "responder"), "0");
        assertThat(converter.createKafkaMessage(stored, "topic")).isEmpty();
    }

    @Test
    void metadataThatIsNotTextTakesTheFullWay() throws Exception {
        GenericDomainEventEntry<byte[]> stored = stored(sample(publishedTypes().findFirst().orElseThrow()),
                Map.of("actor", 7), null);
        assertThat(converter.createKafkaMessage(stored, "topic")).isEmpty();
        assertThat(fullWay(stored).value().getExtension(CloudEventsContract.EXT_ACTOR)).isEqualTo("7");
    }

    @Test
    void anEventWhoseIncidentIsNotItsAggregateTakesTheFullWay() throws Exception {
        GenericDomainEventEntry<byte[]> stored = stored(sample(publishedTypes().findFirst().orElseThrow()),
                Map.of(), null);
        GenericDomainEventEntry<byte[]> elsewhere = new GenericDomainEventEntry<>("Incident",
                UUID.randomUUID().toString(), 4, stored.getEventIdentifier(), stored.getTimestamp(),
                stored.getPayload().getType().getName(), stored.getPayload().getType().getRevision(),
                stored.getPayload().getData(), stored.getMetaData().getData());
        assertThat(converter.createKafkaMessage(elsewhere, "topic")).isEmpty();
    }

    private ProducerRecord<String, CloudEvent> fullWay(GenericDomainEventEntry<byte[]> stored) {
        StoredEvents.StoredEvent event = new StoredEvents.StoredEvent(new Position(5, 9),
                stored.getAggregateIdentifier(), stored.getSequenceNumber(), null, stored);
        return converter.createKafkaMessage(storedEvents.message(event), "topic");
    }

    private static void assertSameRecord(ProducerRecord<String, CloudEvent> fast,
                                         ProducerRecord<String, CloudEvent> full) {
        assertThat(fast.topic()).isEqualTo(full.topic());
        assertThat(fast.key()).isEqualTo(full.key());
        CloudEvent a = fast.value();
        CloudEvent b = full.value();
        assertThat(a.getSpecVersion()).isEqualTo(b.getSpecVersion());
        assertThat(a.getId()).isEqualTo(b.getId());
        assertThat(a.getSource()).isEqualTo(b.getSource());
        assertThat(a.getType()).isEqualTo(b.getType());
        assertThat(a.getSubject()).isEqualTo(b.getSubject());
        assertThat(a.getTime()).isEqualTo(b.getTime());
        assertThat(a.getDataContentType()).isEqualTo(b.getDataContentType());
        assertThat(a.getExtensionNames()).isEqualTo(b.getExtensionNames());
        for (String name : a.getExtensionNames()) {
            assertThat(a.getExtension(name)).as(name).isEqualTo(b.getExtension(name));
        }
        assertThat(a.getData().toBytes()).isEqualTo(b.getData().toBytes());
    }

    /** The event as the event store keeps it: serialized payload and metadata, the type's revision or another. */
    private GenericDomainEventEntry<byte[]> stored(Object event, Map<String, Object> metaData, String revision) {
        SerializedObject<byte[]> payload = serializer.serialize(event, byte[].class);
        SerializedObject<byte[]> meta = serializer.serialize(MetaData.from(metaData), byte[].class);
        return new GenericDomainEventEntry<>("Incident", INCIDENT.toString(), 7, UUID.randomUUID().toString(),
                RECORDED, payload.getType().getName(), revision == null ? payload.getType().getRevision() : revision,
                payload.getData(), meta.getData());
    }

    private static Object sample(Class<?> type) {
        return EventSamples.sample(type, INCIDENT, AT);
    }
}
