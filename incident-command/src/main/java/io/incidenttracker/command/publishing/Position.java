package io.incidenttracker.command.publishing;

/**
 * Where an event stands in the order of publication: the id of the transaction that wrote it (PostgreSQL's 64-bit
 * {@code xid8}, 0 for events stored before positions existed), then its global index.
 */
public record Position(long transactionId, long globalIndex) implements Comparable<Position> {

    /** Before every event. */
    public static final Position START = new Position(0, 0);

    @Override
    public int compareTo(Position other) {
        int byTransaction = Long.compare(transactionId, other.transactionId);
        return byTransaction != 0 ? byTransaction : Long.compare(globalIndex, other.globalIndex);
    }

    public boolean isAfter(Position other) {
        return compareTo(other) > 0;
    }

    @Override
    public String toString() {
        return transactionId + ":" + globalIndex;
    }
}
