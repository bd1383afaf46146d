package io.incidenttracker.command.publishing;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.axonframework.extensions.kafka.KafkaProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses to start with producer settings that could lose or reorder events: every record must be acknowledged by
 * all in-sync replicas, and the producer must be idempotent (no duplicates or reordering on retry). The publication
 * relay itself always waits for the broker's acknowledgement before it moves its position on.
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
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Unsafe Kafka producer settings: " + String.join("; ", problems));
        }
    }
}
