package io.incidenttracker.bench;

/**
 * One line of the result table: a figure, the anchor it is compared with (if any) and the target it must meet (if
 * any); {@code met} is null where there is no target.
 */
record Row(String measure, double value, String unit, String anchorName, Double anchor, String target, Boolean met) {

    /** A figure with neither anchor nor target. */
    static Row plain(String measure, double value, String unit) {
        return new Row(measure, value, unit, null, null, "", null);
    }

    /** The figure divided by its anchor; null without a usable anchor. */
    Double ratio() {
        return anchor == null || anchor == 0 || Double.isNaN(anchor) ? null : value / anchor;
    }
}
