package io.incidenttracker.command.incident;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.incidenttracker.events.Identifiers;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.incidenttracker.command.web.RequestChecks.PRINCIPAL_MESSAGE;
import static io.incidenttracker.command.web.RequestChecks.SLUG_MESSAGE;
import static io.incidenttracker.command.web.RequestChecks.TECHNIQUE_MESSAGE;

/**
 * The JSON bodies of the detection, systems-and-services and life-cycle endpoints. Unknown fields are refused (400),
 * so that nobody can set what the server owns (status, version, actor).
 */
final class IncidentRequests {

    private IncidentRequests() {
    }

    record OpenIncidentRequest(
            UUID incidentId,
            @NotBlank @Size(max = 200) String title,
            @NotNull AttackType attackType,
            @NotNull Severity severity,
            @NotNull Instant detectedAt,
            @Size(max = 4000) String description,
            @Size(max = 200)
            List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> affectedSystems,
            @Size(max = 100)
            List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE)
                    String> techniques,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant firstActivityAt) {
    }

    record DetectAttackRequest(
            @NotNull AttackType attackType,
            @NotNull Instant detectedAt,
            Severity severity,
            @Size(max = 4000) String description,
            @Size(max = 200)
            List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> affectedSystems,
            @Size(max = 100)
            List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE)
                    String> techniques,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant firstActivityAt) {
    }

    record IsolateSystemRequest(
            @NotNull Instant isolatedAt,
            @Size(max = 4000) String reason,
            @Schema(nullable = true, description = "How the system was cut off; UNRECORDED when not given")
            IsolationMethod method) {
    }

    record ReportServiceDisruptionRequest(
            @NotNull ServiceImpact impact,
            @NotNull Instant since,
            @Size(max = 4000) String description) {
    }

    record RestoreServiceRequest(
            @NotNull Instant restoredAt,
            @Size(max = 4000) String note) {
    }

    record EstimateFirstActivityRequest(
            @NotNull Instant firstActivityAt,
            @NotNull Instant estimatedAt,
            @Size(max = 4000) String basis) {
    }

    record ChangeSeverityRequest(
            @NotNull Severity severity,
            @NotBlank @Size(max = 4000) String reason,
            @NotNull Instant changedAt) {
    }

    record AssignIncidentCommanderRequest(
            @NotNull @Pattern(regexp = Identifiers.PRINCIPAL_REGEX, message = PRINCIPAL_MESSAGE) String commanderId,
            @NotNull Instant assignedAt) {
    }

    record ReconnectSystemRequest(
            @NotNull Instant reconnectedAt,
            @Size(max = 4000) String note) {
    }

    record DeclareContainmentRequest(
            @NotNull Instant containedAt,
            @Size(max = 4000) String summary) {
    }

    record ResolveIncidentRequest(
            @NotNull Instant resolvedAt,
            @Size(max = 4000) String summary) {
    }

    record CloseIncidentRequest(
            @NotNull Instant closedAt,
            @NotBlank @Size(max = 20000) String postIncidentSummary,
            @Size(max = 4000) String waiverReason) {
    }

    record ReopenIncidentRequest(
            @NotNull Instant reopenedAt,
            @NotBlank @Size(max = 4000) String reason) {
    }

    /**
     * A status update; {@code headline}, {@code status} and {@code impact} only with the {@code PUBLIC} audience, the
     * headline required with the incident's first public update (the public never sees the internal title).
     */
    record PublishStatusUpdateRequest(
            @NotNull Audience audience,
            @NotBlank @Size(max = 4000) String text,
            @Schema(nullable = true, description = "PUBLIC only: the incident's public name; required with its first "
                    + "public update, renames it publicly when given later")
            @Size(min = 1, max = 200) String headline,
            @Schema(nullable = true, allowableValues = {"investigating", "identified", "monitoring", "resolved"},
                    description = "PUBLIC only: where the incident stands, as the public status page shows it; "
                            + "left as it was when absent")
            @Pattern(regexp = "investigating|identified|monitoring|resolved") String status,
            @Schema(nullable = true, allowableValues = {"none", "minor", "major", "critical"},
                    description = "PUBLIC only: how badly the public is affected; left as it was when absent")
            @Pattern(regexp = "none|minor|major|critical") String impact,
            @NotNull Instant publishedAt) {
    }

    record LinkIncidentRequest(
            @NotNull UUID linkedIncidentId,
            @NotNull LinkRelation relation,
            @Size(max = 4000) String reason,
            @NotNull Instant linkedAt) {
    }
}
