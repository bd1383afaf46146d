package io.incidenttracker.command.incident;

import io.incidenttracker.events.Identifiers;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The JSON bodies of the command endpoints, exactly the fields of API.md. Unknown fields are refused (400), so that
 * nobody can set what the server owns (status, version, actor).
 */
final class IncidentRequests {

    private IncidentRequests() {
    }

    static final String SLUG_MESSAGE = "must be a lower-case slug matching " + Identifiers.SLUG_REGEX;
    static final String TECHNIQUE_MESSAGE = "must be a MITRE ATT&CK technique id such as T1486";

    record OpenIncidentRequest(
            UUID incidentId,
            @NotBlank @Size(max = 200) String title,
            @NotNull AttackType attackType,
            @NotNull Severity severity,
            @NotNull Instant detectedAt,
            @Size(max = 4000) String description,
            @Size(max = 200) List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> affectedSystems,
            @Size(max = 100) List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE) String> techniques) {
    }

    record DetectAttackRequest(
            @NotNull AttackType attackType,
            @NotNull Instant detectedAt,
            Severity severity,
            @Size(max = 4000) String description,
            @Size(max = 200) List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> affectedSystems,
            @Size(max = 100) List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE) String> techniques) {
    }

    record IsolateSystemRequest(
            @NotNull Instant isolatedAt,
            @Size(max = 4000) String reason) {
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

    /** The answer to every accepted command. */
    record CommandAccepted(UUID incidentId, long version) {
    }
}
