package io.incidenttracker.events.incident;

/** How a linked incident relates to this one. */
public enum LinkRelation {
    /** Related in some way stated in the reason. */
    RELATED,
    /** The same attack campaign, for example a later wave opened as its own incident. */
    SAME_CAMPAIGN,
    /** The same incident, recorded twice. */
    DUPLICATE_OF
}
