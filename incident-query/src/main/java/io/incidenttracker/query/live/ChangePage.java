package io.incidenttracker.query.live;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * Changes handed to the streams at once, in id order, with their frames encoded as UTF-8 the first time a stream
 * sends them: a page that the feed hands to a thousand streams is encoded once, not once per stream (each encoding
 * of the same bytes was a builder, a string and an array per stream and change, the fan-out's largest garbage).
 */
final class ChangePage {

    private final List<LoggedChange> changes;
    /** Computed at most a few times if streams race for it; always the same bytes. */
    private volatile byte[] encoded;

    ChangePage(List<LoggedChange> changes) {
        this.changes = List.copyOf(changes);
    }

    List<LoggedChange> changes() {
        return changes;
    }

    int size() {
        return changes.size();
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The page itself when every change is wanted; else a page of the wanted ones (possibly empty). */
    ChangePage filter(Predicate<LoggedChange> wanted) {
        List<LoggedChange> kept = changes.stream().filter(wanted).toList();
        return kept.size() == changes.size() ? this : new ChangePage(kept);
    }

    /** The changes after the given id: the page itself when all of them are. */
    ChangePage after(long id) {
        return changes.isEmpty() || changes.get(0).id() > id ? this : filter(change -> change.id() > id);
    }

    /** The id of the last change; the page must not be empty. */
    long lastId() {
        return changes.get(changes.size() - 1).id();
    }

    /** Every change's frame, one after the other, as UTF-8. */
    byte[] encoded() {
        byte[] bytes = encoded;
        if (bytes == null) {
            StringBuilder frames = new StringBuilder();
            for (LoggedChange change : changes) {
                frames.append(change.frame());
            }
            bytes = frames.toString().getBytes(StandardCharsets.UTF_8);
            encoded = bytes;
        }
        return bytes;
    }
}
