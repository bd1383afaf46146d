package io.incidenttracker.command.publishing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which events read below the horizon go now, and in which order: an incident's events always in sequence order,
 * even when a later event's transaction holds the smaller id, and never before their predecessor.
 */
class PublicationWindowTest {

    record Event(Position position, String aggregateId, long sequence, Position predecessor)
            implements PublicationWindow.Entry {
        @Override
        public String toString() {
            return aggregateId + "/" + sequence;
        }
    }

    private static final Position PUBLISHED = new Position(90, 900);

    @Test
    void eventsInPositionOrderWhoseIncidentsAreInOrderGoAsTheyAre() {
        Event a0 = event(100, 1, "a", 0, null);
        Event b0 = event(101, 2, "b", 0, null);
        Event a1 = event(102, 3, "a", 1, a0.position());
        var plan = PublicationWindow.plan(PUBLISHED, List.of(a0, b0, a1));
        assertThat(plan.toSend()).containsExactly(a0, b0, a1);
        assertThat(plan.lastPosition()).isEqualTo(a1.position());
        assertThat(plan.heldBack()).isFalse();
    }

    @Test
    void aLaterEventWithTheSmallerTransactionIdIsSentAfterItsPredecessorInTheSameWindow() {
        // n+1's transaction took its id (an idempotency claim) before n's transaction wrote n
        Event next = event(100, 7, "a", 6, new Position(103, 5));
        Event other = event(101, 6, "b", 0, null);
        Event previous = event(103, 5, "a", 5, PUBLISHED);
        var plan = PublicationWindow.plan(PUBLISHED, List.of(next, other, previous));
        assertThat(plan.toSend()).containsExactly(previous, other, next);
        assertThat(plan.lastPosition()).isEqualTo(previous.position());
    }

    @Test
    void anEventWhosePredecessorIsNotBelowTheHorizonYetWaitsAndSoDoesEverythingAfterIt() {
        Event b0 = event(99, 1, "b", 0, null);
        Event next = event(100, 7, "a", 6, new Position(103, 5)); // its predecessor lies above the horizon
        Event c0 = event(101, 8, "c", 0, null);
        var plan = PublicationWindow.plan(PUBLISHED, List.of(b0, next, c0));
        assertThat(plan.toSend()).containsExactly(b0);
        assertThat(plan.lastPosition()).isEqualTo(b0.position());
        assertThat(plan.heldBack()).isTrue();
    }

    @Test
    void aCutThatLeavesAnEventsPredecessorOutsideCutsAgain() {
        // c1 (first) follows c0, which lies after a1 in position order; a1 waits for a0 above the horizon
        Event c1 = event(98, 9, "c", 1, new Position(100, 10));
        Event a1 = event(99, 8, "a", 1, new Position(120, 1));
        Event c0 = event(100, 10, "c", 0, null);
        var plan = PublicationWindow.plan(PUBLISHED, List.of(c1, a1, c0));
        assertThat(plan.toSend()).isEmpty();
        assertThat(plan.lastPosition()).isEqualTo(PUBLISHED);
        assertThat(plan.heldBack()).isTrue();
    }

    @Test
    void anEventWhosePredecessorIsPublishedAlreadyGoes() {
        Event a3 = event(100, 20, "a", 3, new Position(80, 19));
        var plan = PublicationWindow.plan(PUBLISHED, List.of(a3));
        assertThat(plan.toSend()).containsExactly(a3);
    }

    @Test
    void nothingReadMeansNothingToSendAndThePositionStays() {
        var plan = PublicationWindow.plan(PUBLISHED, List.<Event>of());
        assertThat(plan.toSend()).isEmpty();
        assertThat(plan.lastPosition()).isEqualTo(PUBLISHED);
        assertThat(plan.heldBack()).isFalse();
    }

    private static Event event(long transactionId, long index, String aggregate, long sequence, Position predecessor) {
        return new Event(new Position(transactionId, index), aggregate, sequence, predecessor);
    }
}
