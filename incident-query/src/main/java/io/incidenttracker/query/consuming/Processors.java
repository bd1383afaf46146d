package io.incidenttracker.query.consuming;

/** Names of the event processors fed from Kafka. */
public final class Processors {

    /**
     * The status projections and the store of undecodable records. Configured under
     * {@code axon.eventhandling.processors.incident-projection} as a tracking processor on the Kafka source.
     */
    public static final String INCIDENT_PROJECTION = "incident-projection";

    private Processors() {
    }
}
