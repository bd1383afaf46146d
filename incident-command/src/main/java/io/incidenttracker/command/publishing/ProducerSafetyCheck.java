package io.incidenttracker.command.publishing;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.axonframework.extensions.kafka.eventhandling.producer.ConfirmationMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses to start with producer settings that could lose or reorder events: every record must be acknowledged by
 * all in-sync replicas, the producer must be idempotent (no duplicates or reordering on retry), and the publisher
 * must wait for the broker's acknowledgement before it moves its token on.
 */
final class ProducerSafetyCheck {

    private ProducerSafetyCheck() {
    }

    static void verify(KafkaProperties properties) {
        Map<String, Object> producer = properties.buildProducerProperties();
        List<String> problems = new ArrayList<>();
        String acks = String.valueOf(producer.get(ProducerConfig.ACKS_CONFIG));
        if (!"all".equalsIgnoreCase(acks) && !"-1".equals(acks)) {
            problems.add("acks must be 'all' (axon.kafka.producer.acks), not '" + acks + "'");
        }
        Object idempotence = producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
        if (idempotence == null || !Boolean.parseBoolean(idempotence.toString())) {
            problems.add("enable.idempotence must be true (axon.kafka.producer.properties.enable.idempotence)");
        }
        Object inFlight = producer.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight != null && Integer.parseInt(inFlight.toString()) > 5) {
            problems.add("max.in.flight.requests.per.connection must be at most 5 to keep order with idempotence");
        }
        ConfirmationMode mode = properties.getPublisher().getConfirmationMode();
        if (mode != ConfirmationMode.WAIT_FOR_ACK && mode != ConfirmationMode.TRANSACTIONAL) {
            problems.add("axon.kafka.publisher.confirmation-mode must be wait_for_ack or transactional, not " + mode);
        }
        KafkaProperties.EventProcessorMode processorMode = properties.getProducer().getEventProcessorMode();
        if (processorMode == KafkaProperties.EventProcessorMode.SUBSCRIBING) {
            problems.add("axon.kafka.producer.event-processor-mode must be tracking: a subscribing publisher "
                    + "publishes before the commit and loses events when the broker is down");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Unsafe Kafka producer settings: " + String.join("; ", problems));
        }
    }
}
