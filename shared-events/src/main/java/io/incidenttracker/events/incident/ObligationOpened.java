package io.incidenttracker.events.incident;

import io.incidenttracker.events.EventType;
import io.incidenttracker.events.Revision;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A fact of the incident started a reporting clock of a regulatory regime. Everything the clock needs is in the
 * event, computed from the organisation's rules when the fact was recorded: {@code regime} and {@code clock} name it
 * (for example {@code CH-ISG} / {@code initial-report}), {@code recipient} is who must be told, {@code trigger} the
 * fact that started it (for example {@code critical-infrastructure-affected}), {@code dueAt} when the report is due,
 * {@code warnAt} when a warning is raised if it is still open, {@code reportFields} what the report must contain.
 * {@code occurredAt} is when the clock started: the awareness of the trigger, or for a follow-up clock the time its
 * preceding report was made.
 */
@EventType("obligation-opened")
@Revision("1")
public record ObligationOpened(
        UUID incidentId,
        String regime,
        String regimeName,
        String clock,
        String clockName,
        String recipient,
        String trigger,
        Instant dueAt,
        Instant warnAt,
        List<String> reportFields,
        Instant occurredAt
) implements IncidentEvent {

    public ObligationOpened {
        reportFields = reportFields == null ? List.of() : List.copyOf(reportFields);
    }
}
