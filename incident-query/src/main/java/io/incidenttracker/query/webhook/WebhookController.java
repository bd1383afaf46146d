package io.incidenttracker.query.webhook;

import io.incidenttracker.platform.problem.FieldProblem;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.query.web.NotFoundException;
import io.incidenttracker.query.webhook.WebhookDeliveries.Delivery;
import io.incidenttracker.query.webhook.WebhookSubscriptions.Subscription;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Webhook subscriptions and their delivery log, for admins. */
@RestController
@Tag(name = "Webhooks", description = "Signed webhooks (Standard Webhooks) carrying incident events as CloudEvents")
public class WebhookController {

    private final WebhookSubscriptions subscriptions;
    private final WebhookDeliveries deliveries;
    private final TargetPolicy policy;
    private final WebhookProperties properties;
    private final WebhookDispatcher dispatcher;
    private final Clock clock;

    public WebhookController(WebhookSubscriptions subscriptions, WebhookDeliveries deliveries, TargetPolicy policy,
                             WebhookProperties properties, WebhookDispatcher dispatcher, ObjectProvider<Clock> clock) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.policy = policy;
        this.properties = properties;
        this.dispatcher = dispatcher;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    @Schema(description = "A new webhook subscription")
    public record NewSubscription(
            @Schema(description = "Where to POST the events: https, and a host that resolves to public addresses "
                    + "only (outside local runs)", requiredMode = Schema.RequiredMode.REQUIRED)
            @NotBlank @Size(max = 2000) String url,
            @ArraySchema(arraySchema = @Schema(description = "CloudEvents type names without the revision suffix, "
                    + "e.g. io.incidenttracker.incident.obligation-deadline-missed, or the single entry \"*\" for "
                    + "all; omitted or null: the default list (docs/api.md)", nullable = true))
            @Size(max = 100) List<@NotBlank @Size(max = 200) String> events,
            @Schema(description = "What the subscription is for", nullable = true)
            @Size(max = 500) String description) {
    }

    @Schema(description = "A webhook subscription")
    public record SubscriptionView(
            UUID id,
            String url,
            @Schema(description = "Event type names without revision, or [\"*\"]") List<String> events,
            @Schema(nullable = true) String description,
            Instant createdAt,
            String createdBy,
            @Schema(description = "Until when the previous secret still signs next to the current one after a "
                    + "rotation; null when no rotation overlaps", nullable = true) Instant previousSecretValidUntil) {
    }

    @Schema(description = "A subscription with its signing secret, shown this once")
    public record SubscriptionWithSecret(
            UUID id,
            String url,
            List<String> events,
            @Schema(nullable = true) String description,
            Instant createdAt,
            String createdBy,
            @Schema(description = "whsec_ and the base64 of 32 random bytes; the HMAC-SHA256 key is the decoded "
                    + "bytes. Shown only in this answer.") String secret) {
    }

    @Schema(description = "A rotated secret, shown this once")
    public record RotatedSecret(
            UUID id,
            @Schema(description = "The new secret (whsec_...)") String secret,
            @Schema(description = "Until then every delivery carries two signatures, the new and the previous "
                    + "secret's") Instant previousSecretValidUntil) {
    }

    @PostMapping(path = "/api/admin/webhooks", consumes = "application/json", produces = "application/json")
    @Operation(operationId = "createWebhook", summary = "Subscribe a URL to incident events",
            description = "Answers the subscription with its secret, shown this once. Events recorded from now on "
                    + "are delivered as signed CloudEvents (JSON structured mode).")
    @ApiResponse(responseCode = "201", description = "Subscribed")
    public ResponseEntity<SubscriptionWithSecret> create(@Valid @RequestBody NewSubscription request,
                                                         Principal principal) {
        List<FieldProblem> problems = new ArrayList<>();
        policy.refusal(request.url()).ifPresent(reason -> problems.add(new FieldProblem("url", reason)));
        List<String> events = events(request.events(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequest(problems);
        }
        String secret = WebhookSignature.newSecret();
        Subscription created = subscriptions.create(request.url(), events, request.description(), secret,
                                                    principal.getName(), clock.instant());
        return ResponseEntity.created(URI.create("/api/admin/webhooks/" + created.id()))
                .body(new SubscriptionWithSecret(created.id(), created.url(), created.eventTypes(),
                                                 created.description(), created.createdAt(), created.createdBy(),
                                                 secret));
    }

    @GetMapping(path = "/api/admin/webhooks", produces = "application/json")
    @Operation(operationId = "listWebhooks", summary = "Every webhook subscription (without secrets)")
    @ApiResponse(responseCode = "200", description = "The subscriptions")
    public List<SubscriptionView> list() {
        return subscriptions.all().stream().map(this::view).toList();
    }

    @GetMapping(path = "/api/admin/webhooks/{id}", produces = "application/json")
    @Operation(operationId = "getWebhook", summary = "One webhook subscription (without its secret)")
    @ApiResponse(responseCode = "200", description = "The subscription")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    public SubscriptionView get(@Parameter(description = "Subscription id (UUID)") @PathVariable UUID id) {
        return view(subscriptions.find(id).orElseThrow(() -> unknown(id)));
    }

    @DeleteMapping(path = "/api/admin/webhooks/{id}")
    @Operation(operationId = "deleteWebhook", summary = "Unsubscribe; pending deliveries and the log go with it")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    public ResponseEntity<Void> delete(@Parameter(description = "Subscription id (UUID)") @PathVariable UUID id) {
        if (!subscriptions.delete(id)) {
            throw unknown(id);
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping(path = "/api/admin/webhooks/{id}/secret-rotation", produces = "application/json")
    @Operation(operationId = "rotateWebhookSecret", summary = "Replace the signing secret without downtime",
            description = "The new secret is shown this once. Until previousSecretValidUntil every delivery "
                    + "carries both signatures, space-separated in webhook-signature, so that the receiver can "
                    + "switch to the new secret at any moment of the overlap.")
    @ApiResponse(responseCode = "200", description = "Rotated")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    public RotatedSecret rotate(@Parameter(description = "Subscription id (UUID)") @PathVariable UUID id) {
        String secret = WebhookSignature.newSecret();
        Instant until = clock.instant().plus(properties.rotationOverlap());
        subscriptions.rotate(id, secret, until).orElseThrow(() -> unknown(id));
        return new RotatedSecret(id, secret, until);
    }

    @GetMapping(path = "/api/admin/webhooks/{id}/deliveries", produces = "application/json")
    @Operation(operationId = "listWebhookDeliveries", summary = "A subscription's delivery log, newest first",
            description = "Each delivery with its state, attempts, status codes, errors and next retry.")
    @ApiResponse(responseCode = "200", description = "The deliveries")
    @ApiResponse(responseCode = "404", description = "No such subscription")
    public List<Delivery> deliveries(
            @Parameter(description = "Subscription id (UUID)") @PathVariable UUID id,
            @Parameter(description = "Only deliveries in this state: pending, delivered or given_up")
            @RequestParam(required = false) @Pattern(regexp = "(?i)pending|delivered|given_up",
                    message = "must be one of pending, delivered, given_up") String state,
            @Parameter(description = "At most this many deliveries (1 to 1000)")
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        subscriptions.find(id).orElseThrow(() -> unknown(id));
        return deliveries.log(id, state == null ? null : state.toUpperCase(Locale.ROOT), limit);
    }

    @PostMapping(path = "/api/admin/webhooks/{id}/deliveries/{deliveryId}/redelivery",
            produces = "application/json")
    @Operation(operationId = "redeliverWebhook", summary = "Deliver a given-up (or delivered) event again",
            description = "Queues the delivery again with fresh attempts and the same webhook-id; a pending "
                    + "delivery stays as it is. It goes out before the incident's later pending events.")
    @ApiResponse(responseCode = "202", description = "Queued; the delivery as it is now")
    @ApiResponse(responseCode = "404", description = "No such subscription or delivery")
    public ResponseEntity<Delivery> redeliver(
            @Parameter(description = "Subscription id (UUID)") @PathVariable UUID id,
            @Parameter(description = "Delivery id, from the delivery log") @PathVariable long deliveryId) {
        Delivery delivery = deliveries.redeliver(id, deliveryId)
                .orElseThrow(() -> new NotFoundException("Subscription " + id + " has no delivery " + deliveryId
                        + "."));
        dispatcher.wake();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(delivery);
    }

    private SubscriptionView view(Subscription s) {
        Instant overlap = s.previousSecretUntil() != null && clock.instant().isBefore(s.previousSecretUntil())
                ? s.previousSecretUntil() : null;
        return new SubscriptionView(s.id(), s.url(), s.eventTypes(), s.description(), s.createdAt(), s.createdBy(),
                                    overlap);
    }

    private static List<String> events(List<String> requested, List<FieldProblem> problems) {
        if (requested == null) {
            return WebhookEventTypes.DEFAULT;
        }
        if (requested.isEmpty()) {
            problems.add(new FieldProblem("events", "must name at least one event type, or \"*\""));
            return List.of();
        }
        LinkedHashSet<String> events = new LinkedHashSet<>(requested);
        if (events.contains(WebhookEventTypes.ALL) && events.size() > 1) {
            problems.add(new FieldProblem("events", "\"*\" must be the only entry"));
        }
        for (String event : events) {
            if (!event.equals(WebhookEventTypes.ALL) && !WebhookEventTypes.KNOWN.contains(event)) {
                problems.add(new FieldProblem("events", "unknown event type " + event
                        + " (names have no revision suffix, e.g. io.incidenttracker.incident.incident-opened)"));
            }
        }
        return List.copyOf(events);
    }

    private static NotFoundException unknown(UUID id) {
        return new NotFoundException("No webhook subscription " + id + ".");
    }
}
