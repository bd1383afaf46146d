package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.events.Identifiers;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;

import static io.incidenttracker.command.web.RequestChecks.SLUG_MESSAGE;

/**
 * The JSON bodies of the regulatory reporting endpoints. Unknown fields are refused (400), so that nobody can set
 * what the server owns (status, version, actor).
 */
final class ReportingRequests {

    private ReportingRequests() {
    }

    record AssessDataImpactRequest(
            @NotNull Certainty personalData,
            @Size(max = 50)
            List<@NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String> dataCategories,
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
}
