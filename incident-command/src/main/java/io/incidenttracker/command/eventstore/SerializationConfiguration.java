package io.incidenttracker.command.eventstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.incidenttracker.events.EventCatalog;
import org.axonframework.serialization.RevisionResolver;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * How events and metadata are stored: JSON with ISO-8601 instants, revisions read from the contract's own
 * {@code @Revision} annotation (the contract module carries no Axon dependency).
 */
@Configuration(proxyBeanMethods = false)
public class SerializationConfiguration {

    /**
     * The JSON form of stored events; the same form the contract's approval tests freeze, which lets the publication
     * relay send an event stored at its current revision as stored.
     */
    public static ObjectMapper eventObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Older revisions of stored events read as current ones (see {@link ContractUpcaster}). */
    @Bean
    ContractUpcaster contractUpcaster() {
        return new ContractUpcaster(eventObjectMapper());
    }

    @Bean
    RevisionResolver revisionResolver() {
        return EventCatalog::revisionOf;
    }

    /** Axon's general serializer; the message and event serializers default to it. */
    @Bean
    @Primary
    Serializer serializer(RevisionResolver revisionResolver) {
        return JacksonSerializer.builder()
                .objectMapper(eventObjectMapper())
                .revisionResolver(revisionResolver)
                .build();
    }
}
