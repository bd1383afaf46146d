package io.incidenttracker.events.incident;

/** How bad an incident or an attack wave is, in ascending order. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    /** The more severe of the two; {@code other} may be null. */
    public Severity atLeast(Severity other) {
        return other != null && other.compareTo(this) > 0 ? other : this;
    }
}
