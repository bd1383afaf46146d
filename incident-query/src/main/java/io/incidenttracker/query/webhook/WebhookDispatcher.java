package io.incidenttracker.query.webhook;

import io.incidenttracker.query.webhook.WebhookDeliveries.Due;
import io.incidenttracker.query.webhook.WebhookSubscriptions.Subscription;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the queued webhook deliveries. One poller thread finds the due ones (per subscription and incident only the
 * oldest pending, so each receiver gets an incident's events in order); each attempt runs on a virtual thread of its
 * own with a time-out, so a slow or dead receiver holds only its own deliveries, never the others'. At most
 * {@code max-in-flight-per-target} attempts of one subscription run at once.
 * <p>
 * An attempt fails on a non-2xx answer (redirects are not followed), a time-out, a connection failure, or a target
 * that resolves to a refused address (checked before every attempt). A failed delivery waits with exponential
 * backoff and jitter, and is given up after {@code max-attempts}: logged, counted, kept in the delivery log, and the
 * incident's later events flow on. Before each attempt the delivery is leased in the database, so that two instances
 * of the service never send it at the same time; a lease left by a crash runs out and the delivery is sent again.
 */
@Component
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final int BATCH = 200;
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

    private final WebhookDeliveries deliveries;
    private final WebhookSubscriptions subscriptions;
    private final WebhookProperties properties;
    private final TargetPolicy policy;
    private final Clock clock;
    private final HttpClient http;
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Set<Long> attempting = ConcurrentHashMap.newKeySet();
    private final Counter delivered;
    private final Counter failed;
    private final Counter givenUp;
    private final AtomicLong pendingGauge = new AtomicLong();
    private final AtomicLong givenUpGauge = new AtomicLong();
    private volatile Instant countedAt = Instant.EPOCH;

    private ScheduledExecutorService poller;
    private ExecutorService attempts;
    private volatile boolean running;

    public WebhookDispatcher(WebhookDeliveries deliveries, WebhookSubscriptions subscriptions,
                             WebhookProperties properties, TargetPolicy policy, MeterRegistry meters,
                             ObjectProvider<Clock> clock) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.properties = properties;
        this.policy = policy;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.delivered = Counter.builder("incident.webhooks.attempts").tag("outcome", "delivered")
                .description("Webhook attempts answered with a 2xx").register(meters);
        this.failed = Counter.builder("incident.webhooks.attempts").tag("outcome", "failed")
                .description("Webhook attempts that failed (non-2xx, time-out, connection, refused address)")
                .register(meters);
        this.givenUp = Counter.builder("incident.webhooks.given-up")
                .description("Webhook deliveries given up after their last attempt").register(meters);
        Gauge.builder("incident.webhooks.deliveries", pendingGauge, AtomicLong::get).tag("state", "pending")
                .description("Webhook deliveries by state (sampled every few seconds)").register(meters);
        Gauge.builder("incident.webhooks.deliveries", givenUpGauge, AtomicLong::get).tag("state", "given-up")
                .description("Webhook deliveries by state (sampled every few seconds)").register(meters);
    }

    @Override
    public synchronized void start() {
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "webhook-dispatcher");
            thread.setDaemon(true);
            return thread;
        });
        attempts = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-attempt-", 0).factory());
        running = true;
        long interval = properties.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (poller != null) {
            poller.shutdownNow();
            attempts.shutdownNow();
            try {
                attempts.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Looks for due deliveries now instead of at the next poll (after new ones were queued or one finished). */
    public void wake() {
        ScheduledExecutorService current = poller;
        if (running && current != null) {
            try {
                current.execute(this::poll);
            } catch (RuntimeException rejected) {
                // stopping
            }
        }
    }

    private void poll() {
        try {
            sampleCounts();
            List<Due> due = deliveries.due(BATCH);
            for (Due delivery : due) {
                if (!running || attempting.contains(delivery.deliveryId())) {
                    continue;
                }
                AtomicInteger busy = inFlight.computeIfAbsent(delivery.subscriptionId(), id -> new AtomicInteger());
                if (busy.get() >= properties.maxInFlightPerTarget()) {
                    continue;
                }
                Instant leaseEnd = clock.instant().plus(properties.requestTimeout()).plus(LEASE_MARGIN);
                if (!deliveries.lease(delivery.deliveryId(), leaseEnd)) {
                    continue;
                }
                busy.incrementAndGet();
                attempting.add(delivery.deliveryId());
                attempts.execute(() -> {
                    try {
                        attempt(delivery);
                    } finally {
                        attempting.remove(delivery.deliveryId());
                        busy.decrementAndGet();
                        wake();
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("Webhook dispatcher poll failed; retrying at the next one", e);
        }
    }

    private void sampleCounts() {
        Instant now = clock.instant();
        if (Duration.between(countedAt, now).compareTo(Duration.ofSeconds(5)) >= 0) {
            countedAt = now;
            Map<String, Long> counts = deliveries.countsByState();
            pendingGauge.set(counts.get(WebhookDeliveries.PENDING));
            givenUpGauge.set(counts.get(WebhookDeliveries.GIVEN_UP));
        }
    }

    /** One attempt of a delivery, and what follows from it. */
    void attempt(Due delivery) {
        Optional<Subscription> found = subscriptions.find(delivery.subscriptionId());
        if (found.isEmpty()) {
            return; // deleted meanwhile, with its deliveries
        }
        Subscription subscription = found.get();
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Integer status = null;
        String error = null;
        Optional<String> refused = policy.refusal(subscription.url());
        if (refused.isPresent()) {
            error = "target refused: " + refused.get();
        } else {
            long timestamp = started.getEpochSecond();
            String signature = WebhookSignature.header(subscriptions.signingSecrets(subscription, started),
                                                       delivery.messageId(), timestamp, delivery.body());
            HttpRequest request = HttpRequest.newBuilder(URI.create(subscription.url()))
                    .timeout(properties.requestTimeout())
                    .header("content-type", "application/cloudevents+json; charset=utf-8")
                    .header("user-agent", "incident-tracker-webhooks/1")
                    .header("webhook-id", delivery.messageId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofString(delivery.body()))
                    .build();
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (HttpTimeoutException e) {
                error = "time-out after " + properties.requestTimeout().toMillis() + " ms";
            } catch (IOException e) {
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // stopping: the lease runs out and the delivery is attempted again
            }
        }
        long durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        Instant finished = clock.instant();
        int attemptsSoFar = delivery.attempts() + 1;
        if (status != null && status >= 200 && status < 300) {
            delivered.increment();
            deliveries.recordAttempt(delivery.deliveryId(), started, status, null, durationMs,
                                     WebhookDeliveries.DELIVERED, null);
        } else if (attemptsSoFar >= properties.maxAttempts()) {
            failed.increment();
            givenUp.increment();
            deliveries.recordAttempt(delivery.deliveryId(), started, status, error, durationMs,
                                     WebhookDeliveries.GIVEN_UP, null);
            log.warn("Webhook delivery {} (webhook-id {}, incident {} sequence {}) to subscription {} given up after "
                     + "{} attempts; last: {}. An admin can deliver it again.", delivery.deliveryId(),
                     delivery.messageId(), delivery.incidentId(), delivery.sequence(), subscription.id(),
                     attemptsSoFar, status != null ? "HTTP " + status : error);
        } else {
            failed.increment();
            Instant next = finished.plus(backoff(attemptsSoFar));
            deliveries.recordAttempt(delivery.deliveryId(), started, status, error, durationMs,
                                     WebhookDeliveries.PENDING, next);
            log.info("Webhook delivery {} to subscription {} failed ({}), attempt {} of {}; next at {}",
                     delivery.deliveryId(), subscription.id(), status != null ? "HTTP " + status : error,
                     attemptsSoFar, properties.maxAttempts(), next);
        }
    }

    /**
     * The wait after the n-th failed attempt: the initial backoff doubled n-1 times, at most the maximum, of which
     * a random half ("equal jitter"), so that many deliveries failing at once do not retry at once.
     */
    Duration backoff(int failedAttempts) {
        long initial = properties.initialBackoff().toMillis();
        long max = properties.maxBackoff().toMillis();
        long exponential = failedAttempts >= 62 ? max : initial * (1L << Math.min(failedAttempts - 1, 40));
        long capped = Math.max(1, Math.min(max, exponential < 0 ? max : exponential));
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }
}
