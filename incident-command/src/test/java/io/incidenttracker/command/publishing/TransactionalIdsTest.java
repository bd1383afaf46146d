package io.incidenttracker.command.publishing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The publication relay's transactional ids (decisions 0026 and 0044). */
class TransactionalIdsTest {

    @Test
    void theFirstIdIsTheConfiguredOneSoThatARelayWithOneProducerIsFencedByItsSuccessor() {
        assertThat(PublishingConfiguration.transactionalIds("incident-command-publisher", 1))
                .containsExactly("incident-command-publisher");
        assertThat(PublishingConfiguration.transactionalIds("incident-command-publisher", 2))
                .containsExactly("incident-command-publisher", "incident-command-publisher-2");
        assertThat(PublishingConfiguration.transactionalIds("p", 3)).containsExactly("p", "p-2", "p-3");
    }

    @Test
    void aCountOutsideOneToEightOrABlankIdIsRefusedAtStart() {
        assertThatThrownBy(() -> PublishingConfiguration.transactionalIds("p", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("incidenttracker.kafka.publisher.producers must be between 1 and 8, not 0");
        assertThatThrownBy(() -> PublishingConfiguration.transactionalIds("p", 9))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PublishingConfiguration.transactionalIds(" ", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactional-id must not be blank");
    }
}
