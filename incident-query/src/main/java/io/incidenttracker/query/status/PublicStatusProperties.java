package io.incidenttracker.query.status;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.Map;

/**
 * {@code incident-query.public-status}: what the public status page may show.
 *
 * @param pageName         the page's title
 * @param services         the services the page shows, service id to public name, in the page's order; a service
 *                         not named here never appears publicly
 * @param resolvedShownFor how long a resolved public incident stays on the page after its last public update
 * @param maxAge           how long a cached answer is fresh (Cache-Control max-age, and the page's own cache)
 */
@ConfigurationProperties("incident-query.public-status")
public record PublicStatusProperties(
        @DefaultValue("Service status") String pageName,
        Map<String, String> services,
        @DefaultValue("7d") Duration resolvedShownFor,
        @DefaultValue("5s") Duration maxAge) {

    public PublicStatusProperties {
        services = services == null ? Map.of() : services;
    }
}
