package io.incidenttracker.query.live;

import java.util.UUID;

/** One change of the views, as told to every {@link ViewChangeListener} after the projection commits. */
public sealed interface ViewChange {

    /** An incident's view changed: its new version, status and severity. */
    record IncidentChanged(UUID incidentId, long version, String status, String severity) implements ViewChange {
    }

    /** A row of the service board may have changed. */
    record ServiceChanged(String serviceId) implements ViewChange {
    }

    /** A regulatory obligation of an incident changed state (opened, warned, missed, fulfilled). */
    record ObligationChanged(UUID incidentId, String obligationId, String state) implements ViewChange {
    }
}
