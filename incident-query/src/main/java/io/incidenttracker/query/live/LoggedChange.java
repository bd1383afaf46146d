package io.incidenttracker.query.live;

import java.util.UUID;

/** A row of the change log: the stream's event id, its name, the incident it belongs to, its JSON data. */
record LoggedChange(long id, String kind, UUID incidentId, String payload) {
}
