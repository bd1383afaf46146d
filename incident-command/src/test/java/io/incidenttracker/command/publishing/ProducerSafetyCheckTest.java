package io.incidenttracker.command.publishing;

import org.axonframework.extensions.kafka.KafkaProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up refuses producer settings that could lose, duplicate or reorder events. */
class ProducerSafetyCheckTest {

    static KafkaProperties safe() {
        KafkaProperties properties = new KafkaProperties();
        properties.getProducer().setAcks("all");
        properties.getProducer().getProperties().put("enable.idempotence", "true");
        return properties;
    }

    @Test
    void acceptsAcksAllAndIdempotence() {
        assertThatCode(() -> ProducerSafetyCheck.verify(safe())).doesNotThrowAnyException();
    }

    @Test
    void refusesAcksOtherThanAll() {
        KafkaProperties properties = safe();
        properties.getProducer().setAcks("1");
        assertThatThrownBy(() -> ProducerSafetyCheck.verify(properties)).hasMessageContaining("acks must be 'all'");
    }

    @Test
    void refusesAProducerWithoutIdempotence() {
        KafkaProperties properties = safe();
        properties.getProducer().getProperties().put("enable.idempotence", "false");
        assertThatThrownBy(() -> ProducerSafetyCheck.verify(properties))
                .hasMessageContaining("enable.idempotence must be true");
    }
}
