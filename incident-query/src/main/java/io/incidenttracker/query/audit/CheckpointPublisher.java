package io.incidenttracker.query.audit;

/** Publishes a signed checkpoint outside the database, so that table and checkpoints cannot be rewritten together. */
public interface CheckpointPublisher {

    /** A name for logs. */
    String name();

    /** Publishes durably or throws. */
    void publish(SignedCheckpoint checkpoint) throws Exception;
}
