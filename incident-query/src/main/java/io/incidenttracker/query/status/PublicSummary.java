package io.incidenttracker.query.status;

import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/**
 * {@code /status/summary.json}: the shape hosted status pages serve (page, overall status, components, incidents with
 * their updates). Only services named public in configuration, with their public names; only {@code PUBLIC} updates;
 * an incident is named by the headline of its public updates, never by its internal title.
 */
@Schema(description = "The public status: only what is explicitly public")
public record PublicSummary(Page page, Status status, List<Component> components, List<Incident> incidents) {

    public record Page(String name,
                       @Schema(nullable = true, description = "The latest change shown; null when nothing is")
                       Instant updatedAt) {
    }

    public record Status(
            @Schema(allowableValues = {"none", "minor", "major", "critical"}) String indicator,
            String description) {
    }

    public record Component(
            @Schema(description = "The service id") String id,
            @Schema(description = "The public name from configuration") String name,
            @Schema(allowableValues = {"operational", "degraded_performance", "partial_outage", "major_outage"})
            String status,
            @Schema(nullable = true, description = "When the service's state last changed; null if never")
            Instant updatedAt) {
    }

    public record Incident(
            String id,
            @Schema(description = "The headline of its public updates") String name,
            @Schema(allowableValues = {"investigating", "identified", "monitoring", "resolved"}) String status,
            @Schema(allowableValues = {"none", "minor", "major", "critical"}) String impact,
            Instant createdAt,
            Instant updatedAt,
            @Schema(description = "Its PUBLIC updates, newest first") List<Update> updates) {
    }

    public record Update(
            String body,
            @Schema(allowableValues = {"investigating", "identified", "monitoring", "resolved"}) String status,
            Instant createdAt) {
    }
}
