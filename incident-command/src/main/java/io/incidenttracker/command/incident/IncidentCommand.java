package io.incidenttracker.command.incident;

import java.util.UUID;

/**
 * A command on an incident that exists: which incident, and the version its caller saw ({@code If-Match}), or null.
 * The incident compares that version before any handler of the command runs, so that no rule is judged on a state
 * the caller has not seen (see {@link Incident}).
 */
public interface IncidentCommand {

    UUID incidentId();

    /** The version the caller saw, or null when the caller does not care. */
    Long expectedVersion();
}
