package io.incidenttracker.command.incident.forensics;

import io.incidenttracker.events.Identifiers;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;

import static io.incidenttracker.command.web.RequestChecks.SLUG_MESSAGE;
import static io.incidenttracker.command.web.RequestChecks.TECHNIQUE_MESSAGE;

/**
 * The JSON bodies of the forensics endpoints. Unknown fields are refused (400), so that nobody can set what the
 * server owns (status, version, actor).
 */
final class ForensicRequests {

    private ForensicRequests() {
    }

    record StartForensicAnalysisRequest(
            @NotNull @Pattern(regexp = Identifiers.SLUG_REGEX, message = SLUG_MESSAGE) String analysisId,
            @NotNull Instant startedAt,
            @Size(max = 4000) String scope) {
    }

    record RecordForensicFindingRequest(
            @NotNull Instant foundAt,
            @Size(max = 100)
            List<@NotNull @Pattern(regexp = Identifiers.TECHNIQUE_REGEX, message = TECHNIQUE_MESSAGE)
                    String> techniques,
            @Size(max = 500) List<@NotBlank @Size(max = 500) String> indicators,
            @Size(max = 4000) String text) {
    }

    record ConcludeForensicAnalysisRequest(
            @NotNull Instant concludedAt,
            @NotBlank @Size(max = 20000) String conclusion) {
    }
}
