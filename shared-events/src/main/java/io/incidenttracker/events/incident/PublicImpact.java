package io.incidenttracker.events.incident;

/**
 * How badly the public is affected, in the vocabulary of hosted status pages. Given with a {@code PUBLIC} status
 * update; the API and the public page write it in lower case.
 */
public enum PublicImpact {
    NONE,
    MINOR,
    MAJOR,
    CRITICAL
}
