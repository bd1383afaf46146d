package io.incidenttracker.query.web;

import java.util.List;

/**
 * The paths of the public status page, served without credentials. Named once, here: {@link AccessRules} opens
 * exactly these, and the status page maps them from these constants.
 */
public final class PublicPaths {

    /** The public status page, plain HTML. */
    public static final String STATUS_PAGE = "/status";
    /** The same as JSON, in the shape hosted status pages serve. */
    public static final String STATUS_SUMMARY = "/status/summary.json";
    /** An Atom 1.0 feed of the public updates. */
    public static final String STATUS_FEED = "/status/feed.atom";

    /** Every public path. */
    public static final List<String> ALL = List.of(STATUS_PAGE, STATUS_SUMMARY, STATUS_FEED);

    private PublicPaths() {
    }
}
