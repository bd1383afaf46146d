package io.incidenttracker.query.webhook;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of webhook delivery, under {@code incident-query.webhooks}.
 *
 * @param secretKey            base64 of the 32-byte AES key that encrypts the subscriptions' secrets at rest
 *                             ({@code INCIDENT_WEBHOOK_SECRET_KEY}); required outside the local profile
 * @param demoSecretKey        the local profile's demo key, used only when {@code secretKey} is absent or blank (so
 *                             that an empty variable, as Docker Compose passes one, does not stop a local run); never
 *                             set in any other profile
 * @param allowLocalTargets    also accept {@code http} URLs and loopback, private and link-local addresses (local
 *                             runs and tests only: in production this is the SSRF guard)
 * @param maxAttempts          attempts of one delivery before it is given up
 * @param initialBackoff       the wait after the first failed attempt; it doubles after each further one
 * @param maxBackoff           the longest wait between two attempts
 * @param requestTimeout       how long one attempt waits for an answer (connection included)
 * @param pollInterval         how often the dispatcher looks for deliveries that are due
 * @param maxInFlightPerTarget attempts of one subscription running at once (over all its incidents)
 * @param rotationOverlap      how long a rotated-out secret keeps signing next to the new one
 */
@ConfigurationProperties("incident-query.webhooks")
public record WebhookProperties(String secretKey, String demoSecretKey, boolean allowLocalTargets, Integer maxAttempts,
                                Duration initialBackoff, Duration maxBackoff, Duration requestTimeout,
                                Duration pollInterval, Integer maxInFlightPerTarget, Duration rotationOverlap) {

    public WebhookProperties {
        maxAttempts = maxAttempts == null ? 12 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofSeconds(5) : initialBackoff;
        maxBackoff = maxBackoff == null ? Duration.ofHours(1) : maxBackoff;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        pollInterval = pollInterval == null ? Duration.ofMillis(500) : pollInterval;
        maxInFlightPerTarget = maxInFlightPerTarget == null ? 8 : maxInFlightPerTarget;
        rotationOverlap = rotationOverlap == null ? Duration.ofHours(24) : rotationOverlap;
        if (maxAttempts < 1 || maxInFlightPerTarget < 1) {
            throw new IllegalArgumentException("incident-query.webhooks: max-attempts and max-in-flight-per-target "
                    + "must be at least 1");
        }
    }

    /** The key that encrypts secrets at rest: the one given, else (local profile only) the demo key. */
    public String effectiveSecretKey() {
        return secretKey != null && !secretKey.isBlank() ? secretKey : demoSecretKey;
    }
}
