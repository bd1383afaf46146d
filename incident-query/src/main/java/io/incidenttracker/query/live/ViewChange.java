package io.incidenttracker.query.live;

import java.util.UUID;

/** A change of what the status views show, as the status projection committed it. */
public sealed interface ViewChange {

    /** An incident's view changed: it is now at this version, with this status and severity. */
    record IncidentChanged(UUID incidentId, long version, String status, String severity) implements ViewChange {
    }

    /** A row of the service board changed. */
    record ServiceChanged(String serviceId) implements ViewChange {
    }

    /**
     * A reporting clock started, warned, was missed or was fulfilled. {@code obligationId} is
     * {@code <regime>/<clock>}; {@code state} one of {@code OPEN}, {@code WARNED}, {@code MISSED}, {@code FULFILLED}.
     */
    record ObligationChanged(UUID incidentId, String obligationId, String state) implements ViewChange {
    }
}
