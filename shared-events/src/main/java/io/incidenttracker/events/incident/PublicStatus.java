package io.incidenttracker.events.incident;

/**
 * Where a public incident stands, in the vocabulary of hosted status pages. Given with a {@code PUBLIC} status update;
 * the API and the public page write it in lower case.
 */
public enum PublicStatus {
    INVESTIGATING,
    IDENTIFIED,
    MONITORING,
    RESOLVED
}
