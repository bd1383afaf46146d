package io.incidenttracker.command.domain;

/** A command breaks a rule of the incident's current state; nothing was appended. Answered with 409. */
public class IncidentRuleViolation extends RuntimeException {

    public IncidentRuleViolation(String message) {
        super(message);
    }
}
