package io.incidenttracker.events.incident;

/**
 * A regulatory judgement on an incident that can start a reporting obligation. An incident carries the set of
 * classifications its latest {@link IncidentClassified} states.
 */
public enum Classification {
    /** A critical infrastructure is affected (for example in the sense of the Swiss Information Security Act). */
    CRITICAL_INFRASTRUCTURE_AFFECTED,
    /** A significant incident in the sense of NIS2 Art. 23 (severe disruption, financial loss, damage to others). */
    SIGNIFICANT,
    /** A major ICT-related incident in the sense of DORA Art. 19. */
    MAJOR_ICT_INCIDENT,
    /** A material cybersecurity incident in the sense of SEC Form 8-K Item 1.05. */
    MATERIAL,
    /** The breach is likely to result in a high risk to the people whose data is affected (GDPR Art. 34, nDSG Art. 24). */
    HIGH_RISK_TO_DATA_SUBJECTS
}
