package io.incidenttracker.query.incident;

import io.incidenttracker.events.incident.AttackDetected;
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

/** One readable sentence per event, for the timeline. */
final class TimelineSummaries {

    private TimelineSummaries() {
    }

    static String summarize(IncidentEvent event) {
        if (event instanceof IncidentOpened e) {
            return "Incident opened: " + e.title() + " (" + e.severity() + ")";
        } else if (event instanceof AttackDetected e) {
            StringBuilder text = new StringBuilder("Attack wave ").append(e.wave()).append(" detected: ")
                    .append(e.attackType());
            if (e.severity() != null) {
                text.append(" (").append(e.severity()).append(')');
            }
            if (!e.affectedSystems().isEmpty()) {
                text.append(" affecting ").append(String.join(", ", e.affectedSystems()));
            }
            return text.toString();
        } else if (event instanceof SystemIsolated e) {
            return withDetail("System " + e.systemId() + " isolated", e.reason());
        } else if (event instanceof ServiceDisruptionReported e) {
            return withDetail("Service " + e.serviceId() + " " + e.impact(), e.description());
        } else if (event instanceof ServiceRestored e) {
            return withDetail("Service " + e.serviceId() + " restored", e.note());
        } else if (event instanceof SeverityChanged e) {
            return withDetail("Severity set to " + e.severity(), e.reason());
        } else if (event instanceof IncidentCommanderAssigned e) {
            return "Incident commander: " + e.commanderId();
        } else if (event instanceof SystemReconnected e) {
            return withDetail("System " + e.systemId() + " reconnected", e.note());
        } else if (event instanceof FirstActivityEstimated e) {
            return withDetail("Attack wave " + e.wave() + ": first known activity at " + e.firstActivityAt(),
                    e.basis());
        } else if (event instanceof IncidentContained e) {
            return withDetail("Incident contained", e.summary());
        } else if (event instanceof IncidentResolved e) {
            return withDetail("Incident resolved", e.summary());
        } else if (event instanceof IncidentClosed e) {
            String text = withDetail("Incident closed", e.postIncidentSummary());
            return e.waiverReason() == null ? text : text + " (waived: " + e.waiverReason() + ")";
        } else if (event instanceof IncidentReopened e) {
            return withDetail("Incident reopened", e.reason());
        } else if (event instanceof ForensicAnalysisStarted e) {
            return withDetail("Forensic analysis " + e.analysisId() + " started", e.scope());
        } else if (event instanceof ForensicFindingRecorded e) {
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
        } else if (event instanceof ForensicAnalysisConcluded e) {
            return withDetail("Forensic analysis " + e.analysisId() + " concluded", e.conclusion());
        } else if (event instanceof DataImpactAssessed e) {
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
        } else if (event instanceof AuthorityNotified e) {
            String text = "Reported to " + e.authority() + " under " + e.regime()
                    + (e.reference() == null ? "" : " (reference " + e.reference() + ")");
            return withDetail(text, e.summary());
        } else if (event instanceof StatusUpdatePublished e) {
            return withDetail((e.audience() == io.incidenttracker.events.incident.Audience.PUBLIC
                    ? "Public" : "Internal") + " status update", e.text());
        } else if (event instanceof IncidentLinked e) {
            return withDetail("Linked to incident " + e.linkedIncidentId() + " (" + e.relation() + ")", e.reason());
        } else if (event instanceof OccurredAtCorrected e) {
            return withDetail("Corrected when event #" + e.correctedSequence() + " happened to "
                    + e.correctedOccurredAt(), e.reason());
        } else if (event instanceof IncidentClassified e) {
            return withDetail("Classified as " + (e.classifications().isEmpty() ? "nothing reportable"
                    : e.classifications().stream().map(Enum::name).collect(Collectors.joining(", "))), e.basis());
        } else if (event instanceof ObligationOpened e) {
            return "Reporting clock started: " + e.regime() + " " + e.clockName() + " to " + e.recipient()
                    + ", due " + e.dueAt() + " (" + e.trigger() + ")";
        } else if (event instanceof ObligationWarningRaised e) {
            return "Reporting clock warning: " + e.regime() + " " + e.clock() + " is due " + e.dueAt()
                    + " and not yet reported";
        } else if (event instanceof ObligationDeadlineMissed e) {
            return "Reporting deadline missed: " + e.regime() + " " + e.clock() + " was due " + e.dueAt();
        } else if (event instanceof ObligationFulfilled e) {
            return "Reporting obligation fulfilled" + (e.late() ? " late" : "") + ": " + e.regime() + " "
                    + e.clock() + " by the report #" + e.notificationSequence() + " (due " + e.dueAt() + ")";
        }
        throw new IllegalArgumentException("Unknown event " + event.getClass());
    }

    /** The record's simple class name, for example {@code AttackDetected}. */
    static String typeOf(IncidentEvent event) {
        return event.getClass().getSimpleName();
    }

    private static String withDetail(String text, String detail) {
        return detail == null || detail.isBlank() ? text : text + ": " + detail;
    }
}
