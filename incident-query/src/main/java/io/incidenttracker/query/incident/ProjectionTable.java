package io.incidenttracker.query.incident;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tables of the incident projection. Every write names the table it changes ({@link ProjectionWrite}), so that
 * the write-behind batch orders writes by these declarations and never by reading SQL text.
 * <p>
 * Declared in the order a reset truncates them and a rebuild prepares them: the incident last, since the rows of
 * every other table refer to an incident.
 */
enum ProjectionTable {
    TIMELINE_ENTRY,
    ATTACK_WAVE,
    INCIDENT_SYSTEM,
    INCIDENT_SERVICE,
    SERVICE_BOARD,
    PENDING_EVENT,
    STATUS_CHANGE,
    SEVERITY_CHANGE,
    COMMANDER_ASSIGNMENT,
    SYSTEM_HISTORY,
    SERVICE_HISTORY,
    FORENSIC_FINDING,
    FORENSIC_ANALYSIS,
    DATA_IMPACT_ASSESSMENT,
    AUTHORITY_NOTIFICATION,
    STATUS_UPDATE,
    INCIDENT_LINK,
    OCCURRED_AT_CORRECTION,
    OBLIGATION,
    INCIDENT_CLASSIFICATION,
    INCIDENT_DOCUMENT,
    VIEW_DOCUMENT,
    INCIDENT;

    /** The tables written by the life cycle part ({@link LifecycleProjection}), for tests and tools. */
    static final Set<ProjectionTable> LIFECYCLE = EnumSet.of(STATUS_CHANGE, SEVERITY_CHANGE, COMMANDER_ASSIGNMENT,
            SYSTEM_HISTORY, SERVICE_HISTORY, FORENSIC_FINDING, FORENSIC_ANALYSIS, DATA_IMPACT_ASSESSMENT,
            AUTHORITY_NOTIFICATION, STATUS_UPDATE, INCIDENT_LINK, OCCURRED_AT_CORRECTION);

    /** The tables written by the regulatory clocks part ({@link ObligationProjection}). */
    static final Set<ProjectionTable> OBLIGATIONS = EnumSet.of(OBLIGATION, INCIDENT_CLASSIFICATION);

    /** The table's name in SQL. */
    String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether rows of this table refer to rows of {@code parent}, so that a write here must not run before a write
     * that creates the parent row. Every table refers to its incident.
     */
    boolean dependsOn(ProjectionTable parent) {
        return parent == INCIDENT && this != INCIDENT;
    }

    /** Every table's SQL name, in declaration order (the incident last). */
    static List<String> sqlNames() {
        return Arrays.stream(values()).map(ProjectionTable::sqlName).toList();
    }
}
