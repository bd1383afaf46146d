package io.incidenttracker.query.live;

import java.util.UUID;

/**
 * A row of the change log: the stream's event id, its name, the incident it belongs to, its JSON data, and the
 * event as it goes on the wire ({@code id:}, {@code event:} and {@code data:} lines and the blank line that ends it),
 * rendered once when the row is read and shared by every stream it goes to.
 */
record LoggedChange(long id, String kind, UUID incidentId, String payload, String frame) {

    LoggedChange(long id, String kind, UUID incidentId, String payload) {
        this(id, kind, incidentId, payload, frame(id, kind, payload));
    }

    /** One Server-Sent Event; each line of the data gets a {@code data:} line of its own, as the format requires. */
    static String frame(long id, String kind, String payload) {
        StringBuilder frame = new StringBuilder(payload.length() + 32)
                .append("id:").append(id).append('\n')
                .append("event:").append(kind).append('\n');
        for (String line : payload.split("\r\n|\r|\n", -1)) {
            frame.append("data:").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }
}
