package io.incidenttracker.command.incident;

/**
 * A command of the response itself (systems, services, severity, commander, first activity, forensics): a closed
 * incident refuses it until it is reopened. Commands that only document the incident (assessments, notifications,
 * classifications, status updates, links, corrections) are not operational and are accepted on a closed incident too.
 */
public interface OperationalCommand extends IncidentCommand {
}
