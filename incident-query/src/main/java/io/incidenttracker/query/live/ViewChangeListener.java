package io.incidenttracker.query.live;

import java.util.List;

/**
 * Told after the status projection's transaction has committed, with what it changed, in order: when it is called,
 * the views already show the changes. Called on the projection's thread: an implementation must return quickly and
 * never throw (it only hands the changes on).
 */
public interface ViewChangeListener {

    void viewsChanged(List<ViewChange> changes);
}
