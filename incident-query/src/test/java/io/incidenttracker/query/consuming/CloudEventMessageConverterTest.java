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
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.Severity;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.query.support.IncidentEventProducer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CloudEventMessageConverterTest {

    private static final Instant AT = Instant.parse("2023-08-30T06:15:00Z");
    private static final UUID ID = UUID.fromString("5b0f7f4e-3c1a-4d52-9a57-0c3f1d2e8a10");

    private final ObjectMapper objectMapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final CloudEventMessageConverter converter = new CloudEventMessageConverter(objectMapper);

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
