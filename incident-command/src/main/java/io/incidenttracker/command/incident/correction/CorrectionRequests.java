package io.incidenttracker.command.incident.correction;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.time.Instant;

/**
 * The JSON bodies of the correction endpoints. Unknown fields are refused (400), so that nobody can set what the
 * server owns (status, version, actor).
 */
final class CorrectionRequests {

    private CorrectionRequests() {
    }

    record CorrectOccurredAtRequest(
            @NotNull @PositiveOrZero Long sequence,
            @NotNull Instant occurredAt,
            @NotBlank @Size(max = 4000) String reason,
            @NotNull Instant correctedAt) {
    }
}
