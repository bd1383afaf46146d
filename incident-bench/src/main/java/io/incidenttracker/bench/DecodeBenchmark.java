package io.incidenttracker.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.incidenttracker.command.eventstore.SerializationConfiguration;
import io.incidenttracker.command.publishing.CloudEventRecordConverter;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.query.consuming.CloudEventMessageConverter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The query service's decoding of one record of the topic into an event message, the work its Kafka fetcher threads
 * do for every record: the CloudEvents SDK with the JDK's formatter for instants ({@code sdk}, the decoding before),
 * or the headers read directly and the instants with {@code IsoTimes} ({@code direct}, the decoding now). The
 * records are those of the harness's seeding (ten incidents of 100 events: an opening, an attack wave, then
 * isolations, disruptions, restorations and reconnections), published as the command service publishes them.
 * <p>
 * Run: {@code java -cp incident-bench/target/incident-bench.jar org.openjdk.jmh.Main DecodeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms128m", "-Xmx256m", "-XX:+UseSerialGC"})
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
public class DecodeBenchmark {

    private static final String TOPIC = CloudEventsContract.DEFAULT_TOPIC;

    @Param({"sdk", "direct"})
    public String reading;

    private List<ConsumerRecord<String, byte[]>> records;
    private CloudEventMessageConverter converter;
    private int next;

    @Setup
    public void setUp() {
        ObjectMapper queryMapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        // no records kept decoded: every call decodes
        converter = new CloudEventMessageConverter(queryMapper, 0, reading.equals("direct"));
        records = records();
        for (ConsumerRecord<String, byte[]> record : records) {
            EventMessage<?> message = converter.readKafkaMessage(record).orElseThrow();
            if (!(message instanceof DomainEventMessage<?>)) {
                throw new IllegalStateException("not decoded: " + message.getPayload());
            }
        }
    }

    @Benchmark
    public Object decodeOneRecord() {
        ConsumerRecord<String, byte[]> record = records.get(next);
        next = next + 1 == records.size() ? 0 : next + 1;
        return converter.readKafkaMessage(record);
    }

    /** The seeding's events of ten incidents as the command service's relay turns them into records. */
    static List<ConsumerRecord<String, byte[]>> records() {
        CloudEventRecordConverter publisher = new CloudEventRecordConverter(
                SerializationConfiguration.eventObjectMapper(), URI.create("urn:incident-tracker:incident-command"));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        for (int number = 0; number < 10; number++) {
            UUID id = UUID.nameUUIDFromBytes(("incident-" + number).getBytes(StandardCharsets.UTF_8));
            for (DomainEventMessage<?> seeded : Seeder.stream(id, number, 100)) {
                // as stored: with the event store's identifier and recording time
                GenericDomainEventMessage<?> message = new GenericDomainEventMessage<>("Incident",
                        id.toString(), seeded.getSequenceNumber(), seeded.getPayload(), seeded.getMetaData(),
                        UUID.randomUUID().toString(), Instant.parse("2024-01-01T00:00:00.123456Z"));
                ProducerRecord<String, CloudEvent> published = publisher.createKafkaMessage(message, TOPIC);
                ProducerRecord<String, byte[]> binary = KafkaMessageFactory
                        .<String>createWriter(TOPIC, published.key()).writeBinary(published.value());
                records.add(new ConsumerRecord<>(TOPIC, 0, records.size(), 0L, TimestampType.CREATE_TIME, 0, 0,
                        binary.key(), binary.value(), new RecordHeaders(binary.headers().toArray()),
                        Optional.empty()));
            }
        }
        return records;
    }
}
