package io.incidenttracker.command.publishing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of the events read below the horizon may be published now, and in which order.
 * <p>
 * Ordering by transaction id alone does not keep an incident's order: PostgreSQL assigns a transaction id at the
 * transaction's first write, so a command whose transaction wrote something else first (an idempotency claim) can
 * hold a smaller id than an earlier command on the same incident whose events it read and follows. Its event
 * {@code n+1} then sorts before {@code n}, and the horizon can even lie between them. So:
 * <ul>
 *   <li>the window is cut before the first event whose predecessor in its incident is neither published already
 *   nor inside the window (it waits until its predecessor is below the horizon too), and again until every event
 *   left has its predecessor published or inside;</li>
 *   <li>inside the window, each incident's events take the slots that incident holds in position order, in sequence
 *   order.</li>
 * </ul>
 * The position moves to the last event of the window: everything at or before it is then published.
 */
final class PublicationWindow {

    /** An event read below the horizon, with where its predecessor in its incident stands (null: none found). */
    interface Entry {
        Position position();

        String aggregateId();

        long sequence();

        Position predecessor();
    }

    /** What to send, in order, and the position to store once the broker acknowledged all of it. */
    record Plan<E extends Entry>(List<E> toSend, Position lastPosition, boolean heldBack) {
    }

    private PublicationWindow() {
    }

    /**
     * @param published where publication stands
     * @param read      the events after {@code published} and below the horizon, in position order
     */
    static <E extends Entry> Plan<E> plan(Position published, List<E> read) {
        int length = read.size();
        Map<Position, Integer> slotOf = new HashMap<>();
        for (int i = 0; i < length; i++) {
            slotOf.put(read.get(i).position(), i);
        }
        boolean cut = false;
        for (int i = 0; i < length; i++) {
            Position predecessor = read.get(i).predecessor();
            if (predecessor == null || !predecessor.isAfter(published)) {
                continue; // the first of its incident, or its predecessor is published
            }
            Integer slot = slotOf.get(predecessor);
            if (slot == null || slot >= length) {
                length = i; // the predecessor lies above the horizon or past the cut: wait for it
                cut = true;
                i = -1; // check again what is left
            }
        }
        List<E> window = read.subList(0, length);
        if (window.isEmpty()) {
            return new Plan<>(List.of(), published, cut);
        }
        return new Plan<>(inIncidentOrder(window), window.get(length - 1).position(), cut);
    }

    private static <E extends Entry> List<E> inIncidentOrder(List<E> window) {
        Map<String, List<E>> byIncident = new LinkedHashMap<>();
        Set<String> inverted = new HashSet<>();
        for (E entry : window) {
            List<E> events = byIncident.computeIfAbsent(entry.aggregateId(), id -> new ArrayList<>());
            if (!events.isEmpty() && events.get(events.size() - 1).sequence() > entry.sequence()) {
                inverted.add(entry.aggregateId());
            }
            events.add(entry);
        }
        if (inverted.isEmpty()) {
            return List.copyOf(window);
        }
        inverted.forEach(id -> byIncident.get(id).sort(Comparator.comparingLong(Entry::sequence)));
        Map<String, Integer> taken = new HashMap<>();
        List<E> ordered = new ArrayList<>(window.size());
        for (E entry : window) {
            int next = taken.merge(entry.aggregateId(), 1, Integer::sum) - 1;
            ordered.add(byIncident.get(entry.aggregateId()).get(next));
        }
        return ordered;
    }
}
