package io.incidenttracker.command.incident.reporting;

import io.incidenttracker.command.incident.IncidentCommand;
import io.incidenttracker.events.incident.Certainty;
import io.incidenttracker.events.incident.Classification;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The commands of an incident's regulatory reporting, handled by {@link RegulatoryReporting}: the judgements that
 * start reporting clocks (data-impact assessments, classifications) and the reports that fulfil them. A closed
 * incident accepts them too.
 */
public final class ReportingCommands {

    private ReportingCommands() {
    }

    /** {@code assessedAt} is the time the judgement refers to. */
    public record AssessDataImpact(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            Certainty personalData,
            List<String> dataCategories,
            Long estimatedPeople,
            Certainty exfiltration,
            Certainty encryption,
            String rationale,
            Instant assessedAt) implements IncidentCommand {
    }

    /** States the incident's complete regulatory classification from {@code classifiedAt} on. */
    public record ClassifyIncident(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            List<Classification> classifications,
            String basis,
            Instant classifiedAt) implements IncidentCommand {
    }

    /** A report to an authority under a regime; it fulfils that regime's open clock that is due first. */
    public record NotifyAuthority(
            @TargetAggregateIdentifier UUID incidentId,
            Long expectedVersion,
            String authority,
            String regime,
            String reference,
            Instant notifiedAt,
            String summary) implements IncidentCommand {
    }
}
