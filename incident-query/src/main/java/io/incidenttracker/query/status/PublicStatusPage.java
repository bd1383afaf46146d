package io.incidenttracker.query.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.query.live.ViewChange;
import io.incidenttracker.query.live.ViewChangeListener;
import io.incidenttracker.query.status.PublicSummary.Component;
import io.incidenttracker.query.status.PublicSummary.Incident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The public status, rendered once into every format and served from memory until it may have changed: a change of
 * the status views ({@link ViewChangeListener}) or {@code max-age} passing (changes another instance committed) makes
 * the next request render it again, one request at a time. Each format carries a strong ETag, the hash of its bytes.
 */
@org.springframework.stereotype.Component
public class PublicStatusPage implements ViewChangeListener {

    /** One format of the page, ready to send. */
    public record Rendered(byte[] body, String etag) {

        static Rendered of(String text) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            return new Rendered(body, "\"" + sha256(body).substring(0, 32) + "\"");
        }
    }

    /** Every format of one state of the page. */
    public record Snapshot(Rendered json, Rendered html, Rendered atom, Instant renderedAt) {
    }

    private final PublicStatusQueries queries;
    private final PublicStatusProperties properties;
    private final ObjectMapper objectMapper;
    private final Clock clock;
    private volatile Snapshot current;
    private volatile boolean stale = true;

    public PublicStatusPage(PublicStatusQueries queries, PublicStatusProperties properties,
                            ObjectMapper objectMapper) {
        this.queries = queries;
        this.properties = properties;
        this.objectMapper = objectMapper;
        this.clock = Clock.systemUTC();
    }

    @Override
    public void viewsChanged(List<ViewChange> changes) {
        stale = true;
    }

    /** The page as it stands, rendered again only when it may have changed. */
    public Snapshot snapshot() {
        Snapshot snapshot = current;
        if (snapshot != null && !stale && snapshot.renderedAt().plus(properties.maxAge()).isAfter(clock.instant())) {
            return snapshot;
        }
        synchronized (this) {
            snapshot = current;
            if (snapshot != null && !stale
                    && snapshot.renderedAt().plus(properties.maxAge()).isAfter(clock.instant())) {
                return snapshot;
            }
            stale = false;
            current = render(summary());
            return current;
        }
    }

    /** What the public may see, read now. */
    PublicSummary summary() {
        Instant now = clock.instant();
        List<Component> components = queries.components(properties.services());
        List<Incident> incidents = queries.incidents(now.minus(properties.resolvedShownFor()));
        Instant updatedAt = Stream.concat(components.stream().map(Component::updatedAt),
                        incidents.stream().map(Incident::updatedAt))
                .filter(Objects::nonNull).max(Instant::compareTo).orElse(null);
        return new PublicSummary(new PublicSummary.Page(properties.pageName(), updatedAt),
                overall(components, incidents), components, incidents);
    }

    /**
     * The worst impact of an unresolved public incident; without one, what the components show (a service down is
     * major, one degraded minor).
     */
    static PublicSummary.Status overall(List<Component> components, List<Incident> incidents) {
        List<String> order = List.of("none", "minor", "major", "critical");
        int worst = 0;
        for (Incident incident : incidents) {
            if (!"resolved".equals(incident.status())) {
                worst = Math.max(worst, order.indexOf(incident.impact()));
            }
        }
        for (Component component : components) {
            worst = Math.max(worst, switch (component.status()) {
                case "major_outage" -> 2;
                case "partial_outage", "degraded_performance" -> 1;
                default -> 0;
            });
        }
        String description = switch (worst) {
            case 0 -> "All Systems Operational";
            case 1 -> "Minor Service Outage";
            case 2 -> "Partial System Outage";
            default -> "Major System Outage";
        };
        return new PublicSummary.Status(order.get(worst), description);
    }

    private Snapshot render(PublicSummary summary) {
        try {
            return new Snapshot(Rendered.of(objectMapper.writeValueAsString(summary)),
                    Rendered.of(StatusHtml.render(summary)), Rendered.of(StatusAtom.render(summary)),
                    clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the public status", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
