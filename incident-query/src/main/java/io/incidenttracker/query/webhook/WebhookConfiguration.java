package io.incidenttracker.query.webhook;

import io.incidenttracker.query.consuming.Processors;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Webhook delivery: the secret cipher, the SSRF policy, and the outbox processor that never skips an event. */
@Configuration(proxyBeanMethods = false)
public class WebhookConfiguration {

    @Bean
    public SecretCipher webhookSecretCipher(WebhookProperties properties) {
        return new SecretCipher(properties.effectiveSecretKey());
    }

    @Bean
    public TargetPolicy webhookTargetPolicy(WebhookProperties properties) {
        return new TargetPolicy(properties.allowLocalTargets());
    }

    /** A failing handler makes the processor retry the event with back-off; no delivery is ever lost. */
    @Bean
    public ConfigurerModule webhookOutboxErrorHandling() {
        return configurer -> configurer.eventProcessing()
                .registerListenerInvocationErrorHandler(Processors.WEBHOOK_OUTBOX,
                                                        c -> PropagatingErrorHandler.instance())
                .registerErrorHandler(Processors.WEBHOOK_OUTBOX, c -> PropagatingErrorHandler.instance());
    }
}
