package io.incidenttracker.command;

import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** Cross-cutting beans of the command service. */
@Configuration(proxyBeanMethods = false)
class CommandServiceConfiguration {

    /** The wall clock, for request checks only; aggregates never read a clock. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Copies the actor, the correlation id and the W3C trace context ({@code traceparent}) from each command onto
     * every event it causes.
     */
    @Bean
    CorrelationDataProvider actorAndCorrelation() {
        return new SimpleCorrelationDataProvider("actor", "correlationId", "traceparent");
    }
}
