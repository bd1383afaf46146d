package io.incidenttracker.query.consuming;

/** Names of the event processors fed from Kafka. */
public final class Processors {

    /**
     * The status projections and the store of undecodable records. Configured under
     * {@code axon.eventhandling.processors.incident-projection} as a tracking processor on the Kafka source.
     */
    public static final String INCIDENT_PROJECTION = "incident-projection";

    /**
     * The audit ledger: append-only, never reset or replayed. Configured under
     * {@code axon.eventhandling.processors.audit-ledger} like the projection, with a token of its own.
     */
    public static final String AUDIT_LEDGER = "audit-ledger";

    /**
     * The event history behind the answers "as recorded at" a past instant: every event as received, never reset.
     * Configured under {@code axon.eventhandling.processors.incident-history}, with a token of its own.
     */
    public static final String INCIDENT_HISTORY = "incident-history";

    /**
     * The webhook outbox: queues a delivery per matching subscription, in the transaction that moves its token; never
     * reset or replayed. Configured under {@code axon.eventhandling.processors.webhook-outbox}.
     */
    public static final String WEBHOOK_OUTBOX = "webhook-outbox";

    private Processors() {
    }
}
