package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackDetected;
import io.incidenttracker.events.incident.Audience;
import io.incidenttracker.events.incident.AuthorityNotified;
import io.incidenttracker.events.incident.DataImpactAssessed;
import io.incidenttracker.events.incident.FirstActivityEstimated;
import io.incidenttracker.events.incident.ForensicAnalysisConcluded;
import io.incidenttracker.events.incident.ForensicAnalysisStarted;
import io.incidenttracker.events.incident.ForensicFindingRecorded;
import io.incidenttracker.events.incident.IncidentClassified;
import io.incidenttracker.events.incident.IncidentClosed;
import io.incidenttracker.events.incident.IncidentCommanderAssigned;
import io.incidenttracker.events.incident.IncidentContained;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.events.incident.IncidentLinked;
import io.incidenttracker.events.incident.IncidentOpened;
import io.incidenttracker.events.incident.IncidentReopened;
import io.incidenttracker.events.incident.IncidentResolved;
import io.incidenttracker.events.incident.ObligationDeadlineMissed;
import io.incidenttracker.events.incident.ObligationFulfilled;
import io.incidenttracker.events.incident.ObligationOpened;
import io.incidenttracker.events.incident.ObligationWarningRaised;
import io.incidenttracker.events.incident.OccurredAtCorrected;
import io.incidenttracker.events.incident.ServiceDisruptionReported;
import io.incidenttracker.events.incident.ServiceRestored;
import io.incidenttracker.events.incident.SeverityChanged;
import io.incidenttracker.events.incident.StatusUpdatePublished;
import io.incidenttracker.events.incident.SystemIsolated;
import io.incidenttracker.events.incident.SystemReconnected;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One readable sentence per event, for the timeline. The switch names every event type, so a new one does not
 * compile until it has its sentence.
 */
final class TimelineSummaries {

    private TimelineSummaries() {
    }

    static String summarize(IncidentEvent event) {
        return switch (event) {
            case IncidentOpened e -> "Incident opened: " + e.title() + " (" + e.severity() + ")";
            case AttackDetected e -> attack(e);
            case SystemIsolated e -> withDetail("System " + e.systemId() + " isolated", e.reason());
            case ServiceDisruptionReported e ->
                    withDetail("Service " + e.serviceId() + " " + e.impact(), e.description());
            case ServiceRestored e -> withDetail("Service " + e.serviceId() + " restored", e.note());
            case SeverityChanged e -> withDetail("Severity set to " + e.severity(), e.reason());
            case IncidentCommanderAssigned e -> "Incident commander: " + e.commanderId();
            case SystemReconnected e -> withDetail("System " + e.systemId() + " reconnected", e.note());
            case FirstActivityEstimated e ->
                    withDetail("Attack wave " + e.wave() + ": first known activity at " + e.firstActivityAt(),
                            e.basis());
            case IncidentContained e -> withDetail("Incident contained", e.summary());
            case IncidentResolved e -> withDetail("Incident resolved", e.summary());
            case IncidentClosed e -> {
                String text = withDetail("Incident closed", e.postIncidentSummary());
                yield e.waiverReason() == null ? text : text + " (waived: " + e.waiverReason() + ")";
            }
            case IncidentReopened e -> withDetail("Incident reopened", e.reason());
            case ForensicAnalysisStarted e ->
                    withDetail("Forensic analysis " + e.analysisId() + " started", e.scope());
            case ForensicFindingRecorded e -> finding(e);
            case ForensicAnalysisConcluded e ->
                    withDetail("Forensic analysis " + e.analysisId() + " concluded", e.conclusion());
            case DataImpactAssessed e -> dataImpact(e);
            case AuthorityNotified e -> {
                String text = "Reported to " + e.authority() + " under " + e.regime()
                        + (e.reference() == null ? "" : " (reference " + e.reference() + ")");
                yield withDetail(text, e.summary());
            }
            case StatusUpdatePublished e -> withDetail((e.audience() == Audience.PUBLIC
                    ? "Public" : "Internal") + " status update", e.text());
            case IncidentLinked e ->
                    withDetail("Linked to incident " + e.linkedIncidentId() + " (" + e.relation() + ")", e.reason());
            case OccurredAtCorrected e -> withDetail("Corrected when event #" + e.correctedSequence()
                    + " happened to " + e.correctedOccurredAt(), e.reason());
            case IncidentClassified e -> withDetail("Classified as " + (e.classifications().isEmpty()
                    ? "nothing reportable"
                    : e.classifications().stream().map(Enum::name).collect(Collectors.joining(", "))), e.basis());
            case ObligationOpened e -> "Reporting clock started: " + e.regime() + " " + e.clockName() + " to "
                    + e.recipient() + ", due " + e.dueAt() + " (" + e.trigger() + ")";
            case ObligationWarningRaised e -> "Reporting clock warning: " + e.regime() + " " + e.clock()
                    + " is due " + e.dueAt() + " and not yet reported";
            case ObligationDeadlineMissed e ->
                    "Reporting deadline missed: " + e.regime() + " " + e.clock() + " was due " + e.dueAt();
            case ObligationFulfilled e -> "Reporting obligation fulfilled" + (e.late() ? " late" : "") + ": "
                    + e.regime() + " " + e.clock() + " by the report #" + e.notificationSequence()
                    + " (due " + e.dueAt() + ")";
        };
    }

    private static String attack(AttackDetected e) {
        StringBuilder text = new StringBuilder("Attack wave ").append(e.wave()).append(" detected: ")
                .append(e.attackType());
        if (e.severity() != null) {
            text.append(" (").append(e.severity()).append(')');
        }
        if (!e.affectedSystems().isEmpty()) {
            text.append(" affecting ").append(String.join(", ", e.affectedSystems()));
        }
        return text.toString();
    }

    private static String finding(ForensicFindingRecorded e) {
        List<String> parts = new ArrayList<>();
        if (!e.techniques().isEmpty()) {
            parts.add("techniques " + String.join(", ", e.techniques()));
        }
        if (!e.indicators().isEmpty()) {
            parts.add(e.indicators().size() + (e.indicators().size() == 1 ? " indicator" : " indicators"));
        }
        String text = "Forensic finding (" + e.analysisId() + ")"
                + (parts.isEmpty() ? "" : " [" + String.join("; ", parts) + "]");
        return withDetail(text, e.text());
    }

    private static String dataImpact(DataImpactAssessed e) {
        StringBuilder text = new StringBuilder("Data impact assessment, revision ").append(e.revision())
                .append(": personal data ").append(e.personalData())
                .append(", exfiltration ").append(e.exfiltration())
                .append(", encryption ").append(e.encryption());
        if (!e.dataCategories().isEmpty()) {
            text.append(", categories ").append(String.join(", ", e.dataCategories()));
        }
        if (e.estimatedPeople() != null) {
            text.append(", about ").append(e.estimatedPeople()).append(" people");
        }
        return withDetail(text.toString(), e.rationale());
    }

    /** The record's simple class name, for example {@code AttackDetected}. */
    static String typeOf(IncidentEvent event) {
        return event.getClass().getSimpleName();
    }

    private static String withDetail(String text, String detail) {
        return detail == null || detail.isBlank() ? text : text + ": " + detail;
    }
}
