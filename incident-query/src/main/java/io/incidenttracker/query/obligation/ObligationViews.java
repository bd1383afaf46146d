package io.incidenttracker.query.obligation;

import io.incidenttracker.platform.openapi.AnyValues;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The JSON answers of the obligation views and report drafts. */
public final class ObligationViews {

    private ObligationViews() {
    }

    /** Where a reporting clock stands at the moment of the answer. */
    public enum ObligationState {
        /** Not yet reported, due time still ahead. */
        OPEN,
        /** Not reported, due time passed. */
        OVERDUE,
        /** Reported (on time or late). */
        FULFILLED
    }

    @Schema(description = "A reporting obligation of an incident: one clock of one regime")
    public record Obligation(
            UUID incidentId,
            String incidentTitle,
            @Schema(description = "Regime id, e.g. CH-ISG") String regime,
            String regimeName,
            @Schema(description = "Clock id within the regime, e.g. initial-report") String clock,
            String clockName,
            String recipient,
            @Schema(description = "The fact that started it, e.g. critical-infrastructure-affected") String trigger,
            @Schema(description = "When the clock started: awareness of the trigger, or the preceding report")
            Instant startedAt,
            Instant warnAt,
            Instant dueAt,
            @Schema(description = "At the moment of the answer") ObligationState state,
            @Schema(description = "A warning was recorded before the due time") boolean warningRaised,
            @Schema(description = "The missed deadline was recorded") boolean deadlineMissed,
            @Schema(nullable = true) Instant fulfilledAt,
            @Schema(nullable = true, description = "Reported after the due time") Boolean late,
            @Schema(nullable = true, description = "Sequence of the authority notification that fulfilled it")
            Long notificationSequence,
            @Schema(nullable = true, description = "ISO-8601 duration until due, while OPEN") String timeLeft,
            @Schema(nullable = true, description = "ISO-8601 duration since due, while OVERDUE") String overdueBy,
            @Schema(description = "Fields the report must contain") List<String> reportFields) {
    }

    @Schema(description = "A field a report requires, filled from the incident's facts where they hold it")
    public record ReportField(String field, String label,
                              @Schema(nullable = true, description = "Text or list; null when missing",
                                      extensions = @Extension(properties = @ExtensionProperty(
                                              name = AnyValues.MARK, value = "true")))
                              Object value,
                              boolean missing) {
    }

    @Schema(description = "The draft of the report a regime requires, filled from the incident's facts")
    public record ReportDraft(
            UUID incidentId,
            String incidentTitle,
            String regime,
            String regimeName,
            @Schema(description = "When this draft was made") Instant generatedAt,
            @Schema(description = "The regime's clocks on this incident") List<Obligation> obligations,
            List<ReportField> fields,
            @Schema(description = "Ids of the required fields the incident's facts do not fill yet") List<String> missing) {
    }
}
