package io.incidenttracker.query.live;

import java.util.List;

/**
 * Told what changed in the views, after the status projection's transaction has committed (so a reader it notifies
 * sees the change). Called on the projection's thread: keep it short and never throw.
 */
public interface ViewChangeListener {

    void viewsChanged(List<ViewChange> changes);
}
