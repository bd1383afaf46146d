package io.incidenttracker.query.incident;

import java.util.ArrayList;
import java.util.List;

/**
 * The queued writes of one transaction, grouped into the JDBC batches they will run as.
 * <p>
 * A write joins the latest batch of the same declared write unless a batch queued since then must stay before it
 * ({@link ProjectionWrite#mustStayBefore}: it touches a table the write touches, or creates rows the write's rows may
 * refer to); otherwise it starts a new batch at the end. Batches run in the order they were started. The outcome is
 * the one of running every write at once, in the order issued: only writes that cannot see each other change places.
 */
final class WriteQueue {

    /** The rows of one declared write that run as one JDBC batch. */
    record Batch(ProjectionWrite write, List<Object[]> rows) {
    }

    private final List<Batch> batches = new ArrayList<>();

    void add(ProjectionWrite write, Object[] arguments) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            Batch batch = batches.get(i);
            if (batch.write() == write) {
                batch.rows().add(arguments);
                return;
            }
            if (batch.write().mustStayBefore(write)) {
                break;
            }
        }
        List<Object[]> rows = new ArrayList<>();
        rows.add(arguments);
        batches.add(new Batch(write, rows));
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }

    /** The batches in the order they must run; the queue is empty afterwards. */
    List<Batch> drain() {
        List<Batch> run = List.copyOf(batches);
        batches.clear();
        return run;
    }
}
