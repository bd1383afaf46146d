package io.incidenttracker.command.incident;

import io.incidenttracker.events.Identifiers;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.incidenttracker.events.incident.AttackType;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import io.incidenttracker.events.incident.IsolationMethod;
import io.incidenttracker.events.incident.LinkRelation;
import io.incidenttracker.events.incident.ServiceImpact;
import io.incidenttracker.events.incident.Severity;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The JSON bodies of the command endpoints: the fields of API.md, and those of the further commands in the same style. Unknown fields are refused (400), so that
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
            @Size(max = 100) List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE) String> techniques,
            @JsonInclude(JsonInclude.Include.NON_NULL) Instant firstActivityAt) {
    }

    record DetectAttackRequest(
            @NotNull AttackType attackType,
            @NotNull Instant detectedAt,
            Severity severity,
            @Size(max = 4000) String description,
            @Size(max = 200) List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> affectedSystems,
            @Size(max = 100) List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE) String> techniques,
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

    static final String PRINCIPAL_MESSAGE = "must be a principal id (letters, digits, . _ : -; no e-mail address)";

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

    record StartForensicAnalysisRequest(
            @NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String analysisId,
            @NotNull Instant startedAt,
            @Size(max = 4000) String scope) {
    }

    record RecordForensicFindingRequest(
            @NotNull Instant foundAt,
            @Size(max = 100) List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE) String> techniques,
            @Size(max = 500) List<@NotBlank @Size(max = 500) String> indicators,
            @Size(max = 4000) String text) {
    }

    record ConcludeForensicAnalysisRequest(
            @NotNull Instant concludedAt,
            @NotBlank @Size(max = 20000) String conclusion) {
    }

    record AssessDataImpactRequest(
            @NotNull Certainty personalData,
            @Size(max = 50) List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> dataCategories,
            @PositiveOrZero Long estimatedPeople,
            @NotNull Certainty exfiltration,
            @NotNull Certainty encryption,
            @Size(max = 4000) String rationale,
            @NotNull Instant assessedAt) {
    }

    record NotifyAuthorityRequest(
            @NotBlank @Size(max = 100) String authority,
            @NotBlank @Size(max = 100) String regime,
            @Size(max = 200) String reference,
            @NotNull Instant notifiedAt,
            @Size(max = 4000) String summary) {
    }

    record ClassifyIncidentRequest(
            @NotNull @Size(max = 10) List<@NotNull Classification> classifications,
            @Size(max = 4000) String basis,
            @NotNull Instant classifiedAt) {
    }

    record PublishStatusUpdateRequest(
            @NotNull Audience audience,
            @NotBlank @Size(max = 4000) String text,
            @NotNull Instant publishedAt) {
    }

    record LinkIncidentRequest(
            @NotNull UUID linkedIncidentId,
            @NotNull LinkRelation relation,
            @Size(max = 4000) String reason,
            @NotNull Instant linkedAt) {
    }

    record CorrectOccurredAtRequest(
            @NotNull @PositiveOrZero Long sequence,
            @NotNull Instant occurredAt,
            @NotBlank @Size(max = 4000) String reason,
            @NotNull Instant correctedAt) {
    }

    /** The answer to every accepted command. */
    record CommandAccepted(UUID incidentId, long version) {
    }
}
