package io.incidenttracker.query.consuming;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.incidenttracker.events.CloudEventsContract;
import io.incidenttracker.platform.web.TraceContext;
import io.incidenttracker.events.Identifiers;
import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentEventUpcasts;
import io.incidenttracker.events.incident.IncidentEventUpcasts.Step;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads the binary-mode CloudEvents that the command service publishes into Axon domain event messages.
 * <p>
 * It never throws and never returns empty: the fetcher thread dies on an exception and silently drops an empty
 * result. A record that cannot be read becomes an {@link UndecodableRecord} message instead, which the processor
 * stores and counts like any other event.
 */
public class CloudEventMessageConverter implements KafkaMessageConverter<String, byte[]>, MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(CloudEventMessageConverter.class);

    private static final JavaType MEMBERS =
            TypeFactory.defaultInstance().constructMapType(Map.class, String.class, Object.class);

    /**
     * Records kept decoded for the other processors' consumers: more than the distance between the consumers of a
     * rebuild that read at the same pace, a few megabytes of messages that their fetch buffers hold anyway.
     */
    static final int DECODED_RECORDS = 8_192;

    /** How long a decoded record is kept at most: the consumers of a rebuild meet a record within this. */
    static final Duration DECODED_RECORDS_MAX_AGE = Duration.ofSeconds(10);

    private final ObjectMapper objectMapper;
    private final DecodedRecords decoded;
    private final boolean direct;

    public CloudEventMessageConverter(ObjectMapper objectMapper) {
        this(objectMapper, DECODED_RECORDS, true);
    }

    /**
     * With {@code decodedRecords} records kept decoded for the other consumers (0: none); {@code direct}: the records
     * of the publisher's shape read without the CloudEvents SDK and the instants without the JDK's formatter
     * ({@link BinaryCloudEvent}, {@link IsoInstantDeserializer}), else every record as the SDK and the JSR-310 module
     * read it (the tests and the harness's decoding benchmark compare the two).
     */
    public CloudEventMessageConverter(ObjectMapper objectMapper, int decodedRecords, boolean direct) {
        this(objectMapper, decodedRecords, direct, false);
    }

    /**
     * {@code catchUpTogether}: consumers catching up on the same records keep together, so that each record is
     * decoded about once for them all ({@link DecodedRecords}).
     */
    public CloudEventMessageConverter(ObjectMapper objectMapper, int decodedRecords, boolean direct,
                                      boolean catchUpTogether) {
        this.objectMapper = direct ? objectMapper.copy().registerModule(IsoInstantDeserializer.module())
                : objectMapper;
        this.decoded = new DecodedRecords(decodedRecords, DECODED_RECORDS_MAX_AGE, System::nanoTime,
                catchUpTogether, DecodedRecords.LIVE, DecodedRecords.IDLE, System::currentTimeMillis);
        this.direct = direct;
    }

    /**
     * {@code incident.consumer.records{way=decoded|taken}}: the records this instance's consumers decoded, and those
     * they took as another consumer had decoded them. Their sum is the records read; decoded over the topic's records
     * is how many times each was decoded (1 when every processor's consumer shares every decoding).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("incident.consumer.records", decoded, DecodedRecords::decodings)
                .tag("way", "decoded")
                .description("Records decoded by the consumer that read them")
                .register(registry);
        FunctionCounter.builder("incident.consumer.records", decoded, DecodedRecords::taken)
                .tag("way", "taken")
                .description("Records taken as another processor's consumer decoded them")
                .register(registry);
        FunctionCounter.builder("incident.consumer.catch-up.waits", decoded, DecodedRecords::waits)
                .description("Times a consumer catching up waited for a slower one before decoding a record")
                .register(registry);
        FunctionCounter.builder("incident.consumer.catch-up.waited", decoded,
                        records -> records.waitedNanos() / 1e9)
                .baseUnit("seconds")
                .description("Time consumers catching up waited for slower ones, in all")
                .register(registry);
    }

    @Override
    public ProducerRecord<String, byte[]> createKafkaMessage(EventMessage<?> eventMessage, String topic) {
        throw new IllegalStateException("The query service does not publish incident events");
    }

    /**
     * The record as a message; each processor's consumer calls this for every record it reads, and a record is decoded
     * once for all of them ({@link DecodedRecords}).
     */
    @Override
    public Optional<EventMessage<?>> readKafkaMessage(ConsumerRecord<String, byte[]> record) {
        return Optional.of(decoded.decode(record, this::decode));
    }

    private EventMessage<?> decode(ConsumerRecord<String, byte[]> record) {
        String type = null;
        try {
            BinaryCloudEvent cloudEvent = direct ? BinaryCloudEvent.read(record) : null;
            if (cloudEvent == null) {
                cloudEvent = BinaryCloudEvent.of(KafkaMessageFactory.createReader(record).toEvent());
            }
            type = cloudEvent.type();
            return toDomainEvent(cloudEvent);
        } catch (Exception e) {
            return undecodable(record, type, e);
        }
    }

    private EventMessage<?> toDomainEvent(BinaryCloudEvent cloudEvent) throws Exception {
        String contentType = cloudEvent.dataContentType();
        if (contentType != null && !contentType.startsWith(CloudEventsContract.DATA_CONTENT_TYPE)) {
            throw new UnreadableRecord("unsupported content type " + contentType);
        }
        if (cloudEvent.data() == null) {
            throw new UnreadableRecord("no data");
        }
        byte[] data = cloudEvent.data();
        // an older revision is read as the current one, step by step (the same steps as the command's event store)
        String type = cloudEvent.type();
        byte[] current = data;
        for (Optional<Step> step = IncidentEventUpcasts.fromType(type); step.isPresent();
             step = IncidentEventUpcasts.fromType(type)) {
            current = upcast(step.get(), current);
            type = step.get().toType();
        }
        String currentType = type;
        Class<?> eventClass = IncidentEvent.CATALOG.classOf(currentType)
                .orElseThrow(() -> new UnreadableRecord("unknown event type " + currentType));
        // I-JSON: a member named twice would make the published JSON mean different things to different readers
        IncidentEvent event = (IncidentEvent) objectMapper.readerFor(eventClass)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .readValue(current);
        requireComplete(event);

        String subject = cloudEvent.subject();
        if (subject == null || !subject.equals(event.incidentId().toString())) {
            throw new UnreadableRecord("subject " + subject + " does not match incidentId " + event.incidentId());
        }
        String aggregateType = cloudEvent.extension(CloudEventsContract.EXT_AGGREGATE_TYPE);
        if (aggregateType != null && !IncidentEventMetaData.AGGREGATE_TYPE.equals(aggregateType)) {
            throw new UnreadableRecord("aggregate type " + aggregateType + " is not "
                    + IncidentEventMetaData.AGGREGATE_TYPE);
        }
        long sequence = sequence(cloudEvent);
        if ((sequence == 0) != (event instanceof IncidentOpened)) {
            throw new UnreadableRecord("sequence 0 must be, and only be, an IncidentOpened; got "
                    + event.getClass().getSimpleName() + " at " + sequence);
        }
        String actor = requiredExtension(cloudEvent, CloudEventsContract.EXT_ACTOR);
        Instant recordedAt = recordedAt(cloudEvent, direct);

        Map<String, Object> metaData = new HashMap<>();
        metaData.put(IncidentEventMetaData.ACTOR, actor);
        metaData.put(IncidentEventMetaData.RECORDED_AT, recordedAt.toString());
        metaData.put(IncidentEventMetaData.SOURCE, String.valueOf(cloudEvent.source()));
        metaData.put(IncidentEventMetaData.CLOUD_EVENT_TYPE, cloudEvent.type());
        metaData.put(IncidentEventMetaData.DATA, new String(data, StandardCharsets.UTF_8));
        String correlationId = cloudEvent.extension(CloudEventsContract.EXT_CORRELATION_ID);
        if (correlationId != null) {
            metaData.put(IncidentEventMetaData.CORRELATION_ID, correlationId);
        }
        String traceparent = cloudEvent.extension(CloudEventsContract.EXT_TRACEPARENT);
        if (traceparent != null && TraceContext.parse(traceparent).isPresent()) {
            metaData.put(IncidentEventMetaData.TRACEPARENT, traceparent);
        }
        return new GenericDomainEventMessage<>(IncidentEventMetaData.AGGREGATE_TYPE, event.incidentId().toString(),
                                               sequence, event, metaData, cloudEvent.id(), recordedAt);
    }

    private byte[] upcast(Step step, byte[] data) throws java.io.IOException {
        Map<String, Object> members = objectMapper.readerFor(MEMBERS)
                .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .readValue(data);
        return objectMapper.writeValueAsBytes(step.apply(members));
    }

    /**
     * Rejects events that break the contract in a way the projections cannot store: missing required fields, or
     * system and service ids that are no slugs. Applying such an event would fail on every retry.
     */
    private static void requireComplete(IncidentEvent event) {
        if (event.incidentId() == null || event.occurredAt() == null) {
            throw new UnreadableRecord("incidentId and occurredAt are required");
        }
        Completeness check = switch (event) {
            case IncidentOpened e -> fields(e.title() != null && e.severity() != null);
            case AttackDetected e -> new Completeness(
                    e.wave() > 0 && e.attackType() != null && e.techniques().stream().allMatch(Objects::nonNull),
                    e.affectedSystems());
            case SystemIsolated e -> new Completeness(e.method() != null, Collections.singletonList(e.systemId()));
            case ServiceDisruptionReported e ->
                    new Completeness(e.impact() != null, Collections.singletonList(e.serviceId()));
            case ServiceRestored e -> new Completeness(true, Collections.singletonList(e.serviceId()));
            case SystemReconnected e -> new Completeness(true, Collections.singletonList(e.systemId()));
            case SeverityChanged e -> fields(e.severity() != null);
            case IncidentCommanderAssigned e -> fields(e.commanderId() != null);
            case FirstActivityEstimated e -> fields(e.wave() > 0 && e.firstActivityAt() != null);
            case IncidentContained e -> fields(true);
            case IncidentResolved e -> fields(true);
            case IncidentReopened e -> fields(true);
            case IncidentClosed e -> fields(e.postIncidentSummary() != null);
            case ForensicAnalysisStarted e -> new Completeness(true, Collections.singletonList(e.analysisId()));
            case ForensicFindingRecorded e -> new Completeness(
                    e.techniques().stream().allMatch(Objects::nonNull)
                            && e.indicators().stream().allMatch(Objects::nonNull),
                    Collections.singletonList(e.analysisId()));
            case ForensicAnalysisConcluded e -> new Completeness(true, Collections.singletonList(e.analysisId()));
            case DataImpactAssessed e -> new Completeness(
                    e.revision() > 0 && e.personalData() != null && e.exfiltration() != null
                            && e.encryption() != null,
                    e.dataCategories());
            case AuthorityNotified e -> fields(e.authority() != null && e.regime() != null);
            case StatusUpdatePublished e -> fields(e.audience() != null && e.text() != null);
            case IncidentLinked e -> fields(e.linkedIncidentId() != null && e.relation() != null);
            case OccurredAtCorrected e -> fields(e.correctedSequence() >= 0 && e.correctedOccurredAt() != null);
            case IncidentClassified e -> fields(e.classifications().stream().allMatch(Objects::nonNull));
            case ObligationOpened e -> fields(Stream.of(e.regime(), e.regimeName(), e.clock(), e.clockName(),
                    e.recipient(), e.trigger(), e.dueAt(), e.warnAt()).allMatch(Objects::nonNull)
                    && e.reportFields().stream().allMatch(Objects::nonNull));
            case ObligationWarningRaised e -> fields(e.regime() != null && e.clock() != null && e.dueAt() != null);
            case ObligationDeadlineMissed e -> fields(e.regime() != null && e.clock() != null && e.dueAt() != null);
            case ObligationFulfilled e -> fields(e.regime() != null && e.clock() != null && e.dueAt() != null
                    && e.notificationSequence() >= 0);
        };
        boolean complete = check.complete();
        List<String> slugs = check.slugs();
        if (!complete) {
            throw new UnreadableRecord("required fields missing in " + event.getClass().getSimpleName());
        }
        for (String slug : slugs) {
            if (!Identifiers.isSlug(slug)) {
                throw new UnreadableRecord("system or service id is no slug: " + slug);
            }
        }
    }

    /** Whether an event has its required fields, and the ids in it that must be slugs. */
    private record Completeness(boolean complete, List<String> slugs) {
    }

    private static Completeness fields(boolean complete) {
        return new Completeness(complete, List.of());
    }

    private static long sequence(BinaryCloudEvent cloudEvent) {
        String value = requiredExtension(cloudEvent, CloudEventsContract.EXT_SEQUENCE);
        try {
            return CloudEventsContract.parseSequence(value);
        } catch (IllegalArgumentException e) {
            throw new UnreadableRecord("sequence is not a number: " + value);
        }
    }

    private static Instant recordedAt(BinaryCloudEvent cloudEvent, boolean direct) {
        String value = requiredExtension(cloudEvent, CloudEventsContract.EXT_RECORDED_AT);
        try {
            return direct ? IsoTimes.parseInstant(value) : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new UnreadableRecord("recordedat is not an ISO-8601 instant: " + value);
        }
    }

    private static String requiredExtension(BinaryCloudEvent cloudEvent, String name) {
        String value = cloudEvent.extension(name);
        if (value == null || value.isBlank()) {
            throw new UnreadableRecord("missing extension " + name);
        }
        return value;
    }

    private static EventMessage<?> undecodable(ConsumerRecord<String, byte[]> record, String type, Throwable cause) {
        String reason = cause instanceof UnreadableRecord
                ? cause.getMessage()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        // WARN here: the record may be read again after a retry; the handler logs the ERROR once it is stored.
        log.warn("Undecodable record at {}-{}@{} (key {}, type {}): {}",
                  record.topic(), record.partition(), record.offset(), record.key(), type, reason);
        Map<String, byte[]> headers = new java.util.LinkedHashMap<>();
        record.headers().forEach(header -> headers.put(header.key(), header.value()));
        UndecodableRecord payload = new UndecodableRecord(record.topic(), record.partition(), record.offset(),
                                                          record.key(), type, truncate(reason), record.value(),
                                                          headers);
        Instant timestamp = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : Instant.now();
        return new GenericEventMessage<>(UUID.randomUUID().toString(), payload, Map.of(), timestamp);
    }

    private static String truncate(String reason) {
        String text = reason == null ? "unknown" : reason;
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }

    /** A record that breaks the contract; its message is the reason stored with the record. */
    private static final class UnreadableRecord extends RuntimeException {
        UnreadableRecord(String message) {
            super(message, null, false, false);
        }
    }
}
