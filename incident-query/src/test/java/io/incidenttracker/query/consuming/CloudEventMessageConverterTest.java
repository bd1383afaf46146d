package io.incidenttracker.query.consuming;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.query.support.IncidentEventProducer;
import io.incidenttracker.testsupport.EventSamples;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CloudEventMessageConverterTest {

    private static final Instant AT = Instant.parse("2023-08-30T06:15:00Z");
    private static final UUID ID = UUID.fromString("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10");

    private final ObjectMapper objectMapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final CloudEventMessageConverter converter = new CloudEventMessageConverter(objectMapper);
    /** Every record read by the CloudEvents SDK and the JSR-310 module's instants, as before the direct reading. */
    private final CloudEventMessageConverter sdk = new CloudEventMessageConverter(objectMapper, 0, false);

    static Stream<Class<?>> publishedTypes() {
        return IncidentEvent.CATALOG.types().values().stream();
    }

    @ParameterizedTest
    @MethodSource("publishedTypes")
    void readsARecordOfEveryPublishedTypeAsTheCloudEventsSdkReadsIt(Class<?> type) {
        IncidentEvent event = (IncidentEvent) EventSamples.sample(type, ID, Instant.parse("2023-08-30T06:15:00.25Z"));
        CloudEvent cloudEvent = CloudEventBuilder.v1(
                        IncidentEventProducer.cloudEvent(event instanceof IncidentOpened ? 0 : 7, event, "e-7"))
                .withExtension(CloudEventsContract.EXT_TRACEPARENT,
                               "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .withExtension(CloudEventsContract.EXT_RECORDED_AT, "2023-08-30T06:15:01.250+00:00")
                .build();
        ConsumerRecord<String, byte[]> record = record(cloudEvent);

        assertThat(BinaryCloudEvent.read(record)).as("read without the SDK").isNotNull();
        EventMessage<?> direct = read(record).orElseThrow();
        assertThat(direct.getPayload()).isEqualTo(event);
        assertSameMessage(direct, sdk.readKafkaMessage(record).orElseThrow());
    }

    /** A record of another shape than the publisher's, and whether the CloudEvents SDK reads it. */
    private record OtherShape(String what, ConsumerRecord<String, byte[]> record, boolean read) {
    }

    @Test
    void leavesARecordOfAnyOtherShapeToTheCloudEventsSdk() {
        ConsumerRecord<String, byte[]> opened = record(opened(0));
        List<OtherShape> shapes = List.of(
                new OtherShape("a content type with parameters", with(opened, "content-type",
                        "application/json; charset=utf-8"), true),
                new OtherShape("an extension twice", adding(opened, "ce_actor", "someone-else"), true),
                new OtherShape("an upper-case header", renaming(opened, "ce_actor", "ce_Actor"), true),
                new OtherShape("a time without seconds", with(opened, "ce_time", "2023-08-30T06:15+00:00"), true),
                new OtherShape("a data schema", adding(opened, "ce_dataschema", "urn:schema:1"), true),
                new OtherShape("a time that is none", with(opened, "ce_time", "yesterday"), false),
                new OtherShape("no spec version", without(opened, "ce_specversion"), false),
                new OtherShape("an extension name the spec refuses", adding(opened, "ce_my_extension", "x"), false),
                new OtherShape("a source that is no URI", with(opened, "ce_source", "::no uri"), false),
                new OtherShape("no data", new ConsumerRecord<>(opened.topic(), opened.partition(), opened.offset(),
                        opened.timestamp(), opened.timestampType(), 0, 0, opened.key(), new byte[0],
                        new RecordHeaders(opened.headers().toArray()), Optional.empty()), false));
        for (OtherShape shape : shapes) {
            assertThat(BinaryCloudEvent.read(shape.record())).as(shape.what()).isNull();
            EventMessage<?> direct = read(shape.record()).orElseThrow();
            EventMessage<?> viaSdk = sdk.readKafkaMessage(shape.record()).orElseThrow();
            assertThat(viaSdk.getPayload() instanceof UndecodableRecord).as(shape.what()).isEqualTo(!shape.read());
            if (viaSdk.getPayload() instanceof UndecodableRecord refused) {
                assertThat(direct.getPayload()).as(shape.what()).isInstanceOf(UndecodableRecord.class);
                assertThat(((UndecodableRecord) direct.getPayload()).reason()).as(shape.what())
                        .isEqualTo(refused.reason());
            } else {
                assertSameMessage(direct, viaSdk);
            }
        }
    }

    @Test
    void readsOrRefusesTheEventsInstantsAsTheJsr310ModuleDoes() {
        for (String occurredAt : List.of("2023-08-30T06:15:00Z", "2023-08-30T08:15:00.5+02:00",
                                         "2023-08-30T06:15:00.123456789Z", "1693376100", "1693376100.5")) {
            ConsumerRecord<String, byte[]> record = openedAt(occurredAt);
            EventMessage<?> direct = read(record).orElseThrow();
            assertThat(direct.getPayload()).as(occurredAt).isInstanceOf(IncidentOpened.class);
            assertSameMessage(direct, sdk.readKafkaMessage(record).orElseThrow());
        }
        for (String occurredAt : List.of("2023-08-30T06:15Z", "2023-02-29T06:15:00Z", "2023-08-30T06:15:00")) {
            ConsumerRecord<String, byte[]> record = openedAt(occurredAt);
            UndecodableRecord refused = undecodable(record);
            assertThat(refused.reason()).as(occurredAt).contains("occurredAt")
                    .isEqualTo(((UndecodableRecord) sdk.readKafkaMessage(record).orElseThrow().getPayload())
                            .reason());
        }
    }

    private static ConsumerRecord<String, byte[]> openedAt(String occurredAt) {
        String json = "{\"incidentId\":\"" + ID + "\",\"title\":\"t\",\"severity\":\"LOW\",\"occurredAt\":"
                + (occurredAt.contains("-") ? "\"" + occurredAt + "\"" : occurredAt) + "}";
        return record(CloudEventBuilder.v1(opened(0))
                .withData("application/json", json.getBytes(StandardCharsets.UTF_8)).build());
    }

    private static void assertSameMessage(EventMessage<?> direct, EventMessage<?> viaSdk) {
        assertThat(direct).isInstanceOf(DomainEventMessage.class);
        assertThat(viaSdk).isInstanceOf(DomainEventMessage.class);
        DomainEventMessage<?> a = (DomainEventMessage<?>) direct;
        DomainEventMessage<?> b = (DomainEventMessage<?>) viaSdk;
        assertThat(a.getIdentifier()).isEqualTo(b.getIdentifier());
        assertThat(a.getPayload()).isEqualTo(b.getPayload());
        assertThat(a.getMetaData()).isEqualTo(b.getMetaData());
        assertThat(a.getTimestamp()).isEqualTo(b.getTimestamp());
        assertThat(a.getAggregateIdentifier()).isEqualTo(b.getAggregateIdentifier());
        assertThat(a.getSequenceNumber()).isEqualTo(b.getSequenceNumber());
        assertThat(a.getType()).isEqualTo(b.getType());
    }

    private static ConsumerRecord<String, byte[]> withHeaders(ConsumerRecord<String, byte[]> record,
                                                              java.util.function.Consumer<RecordHeaders> change) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        change.accept(headers);
        return new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                                    record.timestampType(), 0, 0, record.key(), record.value(), headers,
                                    Optional.empty());
    }

    private static ConsumerRecord<String, byte[]> with(ConsumerRecord<String, byte[]> record, String key,
                                                       String value) {
        return withHeaders(record, headers -> headers.remove(key).add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static ConsumerRecord<String, byte[]> adding(ConsumerRecord<String, byte[]> record, String key,
                                                         String value) {
        return withHeaders(record, headers -> headers.add(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static ConsumerRecord<String, byte[]> without(ConsumerRecord<String, byte[]> record, String key) {
        return withHeaders(record, headers -> headers.remove(key));
    }

    private static ConsumerRecord<String, byte[]> renaming(ConsumerRecord<String, byte[]> record, String key,
                                                           String newKey) {
        byte[] value = record.headers().lastHeader(key).value();
        return withHeaders(record, headers -> headers.remove(key).add(newKey, value));
    }

    @Test
    void readsAnEventWithItsSequenceActorAndRecordingTime() {
        AttackDetected wave = new AttackDetected(ID, 1, AttackType.RANSOMWARE, Severity.CRITICAL, "encrypted",
                                                 List.of("app-booking"), List.of("T1486"), AT);
        CloudEvent event = IncidentEventProducer.cloudEvent(1, wave, "e-1");

        EventMessage<?> message = read(record(event)).orElseThrow();

        assertThat(message).isInstanceOf(DomainEventMessage.class);
        DomainEventMessage<?> domain = (DomainEventMessage<?>) message;
        assertThat(domain.getPayload()).isEqualTo(wave);
        assertThat(domain.getSequenceNumber()).isEqualTo(1);
        assertThat(domain.getAggregateIdentifier()).isEqualTo(ID.toString());
        assertThat(domain.getType()).isEqualTo("incident");
        assertThat(domain.getIdentifier()).isEqualTo("e-1");
        assertThat(domain.getMetaData()).containsEntry("actor", "responder").containsKey("recordedAt")
                .containsEntry("correlationId", "corr-e-1");
        assertThat(domain.getTimestamp()).isEqualTo(Instant.parse((String) domain.getMetaData().get("recordedAt")));
    }

    @Test
    void readsTheSequenceZeroPaddedAsPublishedNowAndUnpaddedAsPublishedBefore() {
        IncidentOpened opening = new IncidentOpened(ID, "Attack", Severity.HIGH, AT);
        AttackDetected wave = new AttackDetected(ID, 12, AttackType.RANSOMWARE, Severity.CRITICAL, "encrypted",
                                                 List.of("app-booking"), List.of("T1486"), AT);
        CloudEvent padded = CloudEventBuilder.v1(IncidentEventProducer.cloudEvent(12, wave, "e-12"))
                .withExtension(CloudEventsContract.EXT_SEQUENCE, "0000000000000000012").build();
        assertThat(((DomainEventMessage<?>) read(record(padded)).orElseThrow()).getSequenceNumber()).isEqualTo(12);
        assertThat(((DomainEventMessage<?>) read(record(IncidentEventProducer.cloudEvent(12, wave, "e-12")))
                .orElseThrow()).getSequenceNumber()).isEqualTo(12);
        CloudEvent paddedOpening = CloudEventBuilder.v1(IncidentEventProducer.cloudEvent(0, opening, "e-0"))
                .withExtension(CloudEventsContract.EXT_SEQUENCE, CloudEventsContract.formatSequence(0)).build();
        assertThat(((DomainEventMessage<?>) read(record(paddedOpening)).orElseThrow()).getSequenceNumber()).isZero();
        // padded values order as strings, unpadded ones do not
        assertThat(CloudEventsContract.formatSequence(9)).isLessThan(CloudEventsContract.formatSequence(10));
        assertThat(undecodable(record(CloudEventBuilder.v1(padded)
                .withExtension(CloudEventsContract.EXT_SEQUENCE, "+12").build())).reason()).contains("sequence");
        assertThat(undecodable(record(CloudEventBuilder.v1(padded)
                .withExtension(CloudEventsContract.EXT_SEQUENCE, "\uFF11\uFF12").build())).reason()).contains("sequence");
    }

    @Test
    void carriesTheTraceContextOfTheCommandIntoTheEventMetadata() {
        AttackDetected wave = new AttackDetected(ID, 1, AttackType.RANSOMWARE, Severity.CRITICAL, "encrypted",
                                                 List.of("app-booking"), List.of("T1486"), AT);
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        CloudEvent traced = CloudEventBuilder.v1(IncidentEventProducer.cloudEvent(1, wave, "e-1"))
                .withExtension(CloudEventsContract.EXT_TRACEPARENT, traceparent).build();
        assertThat(read(record(traced)).orElseThrow().getMetaData()).containsEntry("traceparent", traceparent);
        CloudEvent malformed = CloudEventBuilder.v1(traced)
                .withExtension(CloudEventsContract.EXT_TRACEPARENT, "00-not-a-trace-01").build();
        assertThat(read(record(malformed)).orElseThrow().getMetaData()).doesNotContainKey("traceparent");
    }

    /** The revision-1 sample frozen by the contract's approval tests, shared with the command service's tests. */
    static final Path SYSTEM_ISOLATED_V1 = Path.of("..", "shared-events", "src", "test", "resources", "approved",
            "incident", "io.incidenttracker.incident.system-isolated.v1.json");

    @Test
    void readsARevisionOneSystemIsolationAsRevisionTwoAndKeepsWhatWasPublished() throws Exception {
        byte[] published = Files.readAllBytes(SYSTEM_ISOLATED_V1);
        CloudEvent event = CloudEventBuilder.v1(opened(2))
                .withType("io.incidenttracker.incident.system-isolated.v1")
                .withData("application/json", published)
                .build();

        DomainEventMessage<?> message = (DomainEventMessage<?>) read(record(event)).orElseThrow();

        assertThat(message.getPayload()).isEqualTo(new SystemIsolated(ID, "app-booking", "possibly infected",
                IsolationMethod.UNRECORDED, Instant.parse("2023-08-30T07:00:00Z")));
        assertThat(message.getMetaData())
                .containsEntry(IncidentEventMetaData.CLOUD_EVENT_TYPE, "io.incidenttracker.incident.system-isolated.v1")
                .containsEntry(IncidentEventMetaData.DATA, new String(published, StandardCharsets.UTF_8));
    }

    @Test
    void readsARevisionOneStatusUpdateAsRevisionTwoWithoutPublicFields() throws Exception {
        byte[] published = Files.readAllBytes(SYSTEM_ISOLATED_V1.resolveSibling(
                "io.incidenttracker.incident.status-update-published.v1.json"));
        CloudEvent event = CloudEventBuilder.v1(opened(2))
                .withType("io.incidenttracker.incident.status-update-published.v1")
                .withData("application/json", published)
                .build();

        DomainEventMessage<?> message = (DomainEventMessage<?>) read(record(event)).orElseThrow();

        assertThat(message.getPayload()).isEqualTo(new StatusUpdatePublished(ID, Audience.PUBLIC,
                "Doctors can treat patients again; emergency lines are back.", Instant.parse("2023-09-05T07:00:00Z")));
    }

    @Test
    void refusesARevisionTwoSystemIsolationWithoutItsMethod() throws Exception {
        CloudEvent event = CloudEventBuilder.v1(opened(2))
                .withType("io.incidenttracker.incident.system-isolated.v2")
                .withData("application/json", Files.readAllBytes(SYSTEM_ISOLATED_V1))
                .build();
        assertThat(undecodable(record(event)).reason()).contains("required fields missing");
    }

    @Test
    void turnsBytesThatAreNoCloudEventIntoAnUndecodableRecord() {
        ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>("incident-events", 2, 17, "key",
                                                                      "%%%".getBytes(StandardCharsets.UTF_8));
        UndecodableRecord undecodable = undecodable(garbage);
        assertThat(undecodable.partition()).isEqualTo(2);
        assertThat(undecodable.offset()).isEqualTo(17);
        assertThat(undecodable.key()).isEqualTo("key");
        assertThat(undecodable.reason()).isNotBlank();
    }

    @Test
    void turnsAnUnknownTypeIntoAnUndecodableRecord() {
        CloudEvent event = CloudEventBuilder.v1(opened(0)).withType("io.incidenttracker.incident.unknown.v1").build();
        UndecodableRecord undecodable = undecodable(record(event));
        assertThat(undecodable.type()).isEqualTo("io.incidenttracker.incident.unknown.v1");
        assertThat(undecodable.reason()).contains("unknown event type");
    }

    @Test
    void turnsASubjectThatIsNotTheIncidentIntoAnUndecodableRecord() {
        CloudEvent event = CloudEventBuilder.v1(opened(0)).withSubject(UUID.randomUUID().toString()).build();
        assertThat(undecodable(record(event)).reason()).contains("subject");
    }

    @Test
    void turnsAMissingOrMalformedSequenceIntoAnUndecodableRecord() {
        assertThat(undecodable(record(CloudEventBuilder.v1(opened(0))
                .withoutExtension(CloudEventsContract.EXT_SEQUENCE).build())).reason()).contains("sequence");
        assertThat(undecodable(record(CloudEventBuilder.v1(opened(0))
                .withExtension(CloudEventsContract.EXT_SEQUENCE, "zero").build())).reason()).contains("sequence");
    }

    @Test
    void turnsAnOpeningThatIsNotSequenceZeroIntoAnUndecodableRecord() {
        assertThat(undecodable(record(opened(4))).reason()).contains("sequence 0");
    }

    @Test
    void turnsDataWithAnUnknownFieldIntoAnUndecodableRecord() {
        CloudEvent event = CloudEventBuilder.v1(opened(0))
                .withData("application/json", ("{\"incidentId\":\"" + ID + "\",\"title\":\"t\",\"severity\":\"LOW\","
                        + "\"occurredAt\":\"2023-08-30T06:15:00Z\",\"extra\":1}").getBytes(StandardCharsets.UTF_8))
                .build();
        assertThat(undecodable(record(event)).reason()).contains("extra");
    }

    @Test
    void turnsDataWithoutARequiredFieldIntoAnUndecodableRecord() {
        CloudEvent event = CloudEventBuilder.v1(opened(0))
                .withData("application/json", ("{\"incidentId\":\"" + ID + "\",\"severity\":\"LOW\","
                        + "\"occurredAt\":\"2023-08-30T06:15:00Z\"}").getBytes(StandardCharsets.UTF_8))
                .build();
        assertThat(undecodable(record(event)).reason()).contains("required");
    }

    @Test
    void turnsASystemIdThatIsNoSlugIntoAnUndecodableRecord() {
        AttackDetected wave = new AttackDetected(ID, 1, AttackType.MALWARE, null, null,
                                                 List.of("App Booking"), List.of(), AT);
        assertThat(undecodable(record(IncidentEventProducer.cloudEvent(1, wave, "e-1"))).reason()).contains("slug");
    }

    @Test
    void turnsAMissingActorIntoAnUndecodableRecord() {
        CloudEvent event = CloudEventBuilder.v1(opened(0)).withoutExtension(CloudEventsContract.EXT_ACTOR).build();
        assertThat(undecodable(record(event)).reason()).contains("actor");
    }

    private static CloudEvent opened(long sequence) {
        return IncidentEventProducer.cloudEvent(sequence, new IncidentOpened(ID, "Attack", Severity.HIGH, AT), "e-0");
    }

    private UndecodableRecord undecodable(ConsumerRecord<String, byte[]> record) {
        EventMessage<?> message = read(record).orElseThrow();
        assertThat(message.getPayload()).isInstanceOf(UndecodableRecord.class);
        return (UndecodableRecord) message.getPayload();
    }

    private Optional<EventMessage<?>> read(ConsumerRecord<String, byte[]> record) {
        return converter.readKafkaMessage(record);
    }

    private static ConsumerRecord<String, byte[]> record(CloudEvent event) {
        ProducerRecord<String, byte[]> produced = KafkaMessageFactory
                .<String>createWriter("incident-events", ID.toString()).writeBinary(event);
        return new ConsumerRecord<>("incident-events", 0, 5, 0L, TimestampType.CREATE_TIME, 0, 0,
                                    produced.key(), produced.value(), new RecordHeaders(produced.headers().toArray()),
                                    Optional.empty());
    }

}
