package io.incidenttracker.query.consuming;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.incidenttracker.platform.axon.TokenTable;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.EventBus;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.SimpleEventBus;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.extensions.kafka.KafkaProperties;
import org.axonframework.extensions.kafka.eventhandling.KafkaMessageConverter;
import org.axonframework.extensions.kafka.eventhandling.consumer.ConsumerFactory;
import org.axonframework.extensions.kafka.eventhandling.consumer.Fetcher;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.KafkaEventMessage;
import org.axonframework.extensions.kafka.eventhandling.consumer.streamable.StreamableKafkaMessageSource;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.springboot.TokenStoreProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import java.util.List;

/**
 * Axon on the query side: no event store (events come from Kafka), tokens in PostgreSQL next to the projections,
 * Jackson for every serializer, our own CloudEvents converter and a fetch-ordered Kafka source.
 */
@Configuration(proxyBeanMethods = false)
public class AxonConsumerConfiguration {

    /** Keeps Axon from building a JDBC event store here; this service owns no events. */
    @Bean
    public EventBus eventBus() {
        return SimpleEventBus.builder().build();
    }

    /** The token table as created by Flyway, in snake case. */
    @Bean
    public TokenSchema tokenSchema() {
        return TokenTable.schema();
    }

    /**
     * The token store with this instance's name as the owner of its claims ({@code incident-query.processors.instance-id})
     * and Axon's claim timeout ({@code axon.eventhandling.tokenstore.claim-timeout}, {@code INCIDENT_TOKEN_CLAIM_TIMEOUT}):
     * a claim not extended for that long is taken over by another instance. Axon's own store names every instance of
     * one JVM alike, so two of them could hold one claim at once. The claims its calls verify and give up are
     * told to {@link ProcessorClaims}.
     */
    @Bean
    public TokenStore tokenStore(ConnectionProvider connectionProvider, Serializer serializer, TokenSchema schema,
                                 TokenStoreProperties tokens, ProcessorProperties processors, ProcessorClaims claims) {
        return new ClaimWatchingTokenStore(JdbcTokenStore.builder()
                .connectionProvider(connectionProvider)
                .schema(schema)
                .serializer(serializer)
                .claimTimeout(tokens.getClaimTimeout())
                .nodeId(processors.instanceId())
                .build(), claims);
    }

    /** The processors this instance holds, as the token store last verified them. */
    @Bean
    public ProcessorClaims processorClaims(TokenStoreProperties tokens) {
        return new ProcessorClaims(tokens.getClaimTimeout());
    }

    /** Serializes tokens (a Kafka token is {@code {"positions":{"incident-events-0":3,...}}}). */
    @Bean
    @Primary
    public Serializer serializer() {
        return jacksonSerializer();
    }

    @Bean
    @Qualifier("eventSerializer")
    public Serializer eventSerializer() {
        return jacksonSerializer();
    }

    @Bean
    @Qualifier("messageSerializer")
    public Serializer messageSerializer() {
        return jacksonSerializer();
    }

    private static Serializer jacksonSerializer() {
        // A private mapper, so that Boot's ObjectMapper (and the spring.jackson.* settings) stay untouched.
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        return JacksonSerializer.builder().objectMapper(mapper).build();
    }

    /**
     * Replaces the extension's converter (it backs off when this bean exists); declared as what it is, so that its
     * meters are bound.
     */
    @Bean
    public CloudEventMessageConverter kafkaMessageConverter(ObjectMapper objectMapper,
                                                            QueryKafkaProperties queryKafkaProperties) {
        return new CloudEventMessageConverter(objectMapper, CloudEventMessageConverter.DECODED_RECORDS, true,
                                              queryKafkaProperties.catchUpTogether());
    }

    /**
     * The Kafka source of the incident projection, as the extension would build it but with a buffer that keeps
     * fetch order (see {@link FetchOrderBuffer}); the extension's own bean backs off.
     */
    @Bean
    @SuppressWarnings("unchecked")
    public StreamableKafkaMessageSource<String, byte[]> streamableKafkaMessageSource(
            @Qualifier("eventSerializer") Serializer eventSerializer,
            ConsumerFactory<?, ?> kafkaConsumerFactory,
            Fetcher<?, ?, ?> kafkaFetcher,
            KafkaMessageConverter<String, byte[]> kafkaMessageConverter,
            KafkaProperties kafkaProperties) {
        return StreamableKafkaMessageSource.<String, byte[]>builder()
                .topics(List.of(kafkaProperties.getDefaultTopic()))
                .serializer(eventSerializer)
                .consumerFactory((ConsumerFactory<String, byte[]>) kafkaConsumerFactory)
                .fetcher((Fetcher<String, byte[], KafkaEventMessage>) kafkaFetcher)
                .messageConverter(kafkaMessageConverter)
                .bufferFactory(() -> new FetchOrderBuffer(kafkaProperties.getFetcher().getBufferSize()))
                .build();
    }

    /** A failing handler makes the processor retry the event with back-off; nothing is ever skipped. */
    @Bean
    public ConfigurerModule incidentProjectionErrorHandling() {
        return configurer -> configurer.eventProcessing()
                .registerListenerInvocationErrorHandler(Processors.INCIDENT_PROJECTION,
                                                        c -> PropagatingErrorHandler.instance())
                .registerErrorHandler(Processors.INCIDENT_PROJECTION, c -> PropagatingErrorHandler.instance())
                .registerListenerInvocationErrorHandler(Processors.INCIDENT_HISTORY,
                                                        c -> PropagatingErrorHandler.instance())
                .registerErrorHandler(Processors.INCIDENT_HISTORY, c -> PropagatingErrorHandler.instance());
    }
}
