package io.incidenttracker.query.incident;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static io.incidenttracker.query.incident.ProjectionTable.ATTACK_WAVE;
import static io.incidenttracker.query.incident.ProjectionTable.INCIDENT;
import static io.incidenttracker.query.incident.ProjectionTable.INCIDENT_SERVICE;
import static io.incidenttracker.query.incident.ProjectionTable.PENDING_EVENT;
import static io.incidenttracker.query.incident.ProjectionTable.SERVICE_BOARD;
import static io.incidenttracker.query.incident.ProjectionTable.STATUS_CHANGE;
import static io.incidenttracker.query.incident.ProjectionTable.TIMELINE_ENTRY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batching rules of the write-behind queue, without a database: which writes share a JDBC batch and in which
 * order the batches run.
 */
class WriteQueueTest {

    private static final ProjectionWrite INCIDENT_OPENED =
            ProjectionWrite.insertInto(INCIDENT, "incident_id", "title").values();
    private static final ProjectionWrite STATUS_SET =
            ProjectionWrite.update(INCIDENT, "status = ?", "incident_id = ?");
    private static final ProjectionWrite TIMELINE =
            ProjectionWrite.insertInto(TIMELINE_ENTRY, "incident_id", "sequence").values();
    private static final ProjectionWrite STATUS_CHANGED =
            ProjectionWrite.insertInto(STATUS_CHANGE, "incident_id", "sequence").values();
    private static final ProjectionWrite FIRST_ACTIVITY =
            ProjectionWrite.update(ATTACK_WAVE, "first_activity_at = ?", "incident_id = ? AND wave = ?");
    private static final ProjectionWrite WAVE =
            ProjectionWrite.insertInto(ATTACK_WAVE, "incident_id", "wave").values();
    private static final ProjectionWrite PARKED_APPLIED =
            ProjectionWrite.delete(PENDING_EVENT, "incident_id = ? AND sequence = ?");
    private static final ProjectionWrite TIMELINE_CORRECTION = ProjectionWrite.insertInto(
            STATUS_CHANGE, "incident_id", "sequence")
            .select("SELECT incident_id, sequence FROM timeline_entry WHERE incident_id = ?", TIMELINE_ENTRY);
    private static final ProjectionWrite SERVICE_STATE = ProjectionWrite.script(ProjectionWrite.Kind.UPSERT,
            INCIDENT_SERVICE, EnumSet.of(SERVICE_BOARD), "INSERT INTO incident_service ...; UPDATE service_board ...");
    private static final ProjectionWrite BOARD_TOUCHED =
            ProjectionWrite.update(SERVICE_BOARD, "since = ?", "service_id = ?");

    private final WriteQueue queue = new WriteQueue();

    @Test
    void writesOfOneDeclaredStatementShareABatchAcrossWritesToOtherTables() {
        queue.add(TIMELINE, row(1));
        queue.add(STATUS_CHANGED, row(2));
        queue.add(TIMELINE, row(3));

        assertThat(order()).containsExactly(TIMELINE, STATUS_CHANGED);
        assertThat(rowsOf(0)).containsExactly(1, 3);
    }

    @Test
    void aWriteDoesNotPassAnotherStatementOnItsOwnTable() {
        queue.add(WAVE, row(1));
        queue.add(FIRST_ACTIVITY, row(2));
        queue.add(WAVE, row(3));

        assertThat(order()).containsExactly(WAVE, FIRST_ACTIVITY, WAVE);
    }

    @Test
    void rowsReferringToAnIncidentStayAfterTheIncidentIsCreated() {
        queue.add(TIMELINE, row(1));
        queue.add(INCIDENT_OPENED, row(2));
        queue.add(TIMELINE, row(3));

        assertThat(order()).containsExactly(TIMELINE, INCIDENT_OPENED, TIMELINE);
    }

    @Test
    void theCreationOfAnIncidentMayMoveBeforeTheRowsOfOlderOnes() {
        queue.add(INCIDENT_OPENED, row(1));
        queue.add(TIMELINE, row(2));
        queue.add(INCIDENT_OPENED, row(3));
        queue.add(TIMELINE, row(4));

        assertThat(order()).containsExactly(INCIDENT_OPENED, TIMELINE);
        assertThat(rowsOf(0)).containsExactly(1, 3);
        assertThat(rowsOf(1)).containsExactly(2, 4);
    }

    @Test
    void anUpdateOfTheIncidentRowDoesNotPassItsCreation() {
        queue.add(STATUS_SET, row(1));
        queue.add(INCIDENT_OPENED, row(2));
        queue.add(STATUS_SET, row(3));

        assertThat(order()).containsExactly(STATUS_SET, INCIDENT_OPENED, STATUS_SET);
    }

    @Test
    void aDeleteNeedsNoIncidentCreatedBeforeIt() {
        queue.add(PARKED_APPLIED, row(1));
        queue.add(INCIDENT_OPENED, row(2));
        queue.add(PARKED_APPLIED, row(3));

        assertThat(order()).containsExactly(PARKED_APPLIED, INCIDENT_OPENED);
        assertThat(rowsOf(0)).containsExactly(1, 3);
    }

    @Test
    void aWriteThatReadsATableStaysAfterWritesToIt() {
        queue.add(TIMELINE_CORRECTION, row(1));
        queue.add(TIMELINE, row(2));
        queue.add(TIMELINE_CORRECTION, row(3));

        assertThat(order()).containsExactly(TIMELINE_CORRECTION, TIMELINE, TIMELINE_CORRECTION);
    }

    @Test
    void everyTableOfAStatementOfSeveralPartsOrdersIt() {
        queue.add(SERVICE_STATE, row(1));
        queue.add(BOARD_TOUCHED, row(2));
        queue.add(SERVICE_STATE, row(3));
        queue.add(STATUS_CHANGED, row(4));
        queue.add(SERVICE_STATE, row(5));

        assertThat(order()).containsExactly(SERVICE_STATE, BOARD_TOUCHED, SERVICE_STATE, STATUS_CHANGED);
        assertThat(rowsOf(2)).containsExactly(3, 5);
    }

    @Test
    void batchesRunInTheOrderTheyWereStartedAndTheQueueEmpties() {
        queue.add(INCIDENT_OPENED, row(1));
        queue.add(STATUS_CHANGED, row(2));
        queue.add(TIMELINE, row(3));
        queue.add(ProjectionSql.VERSION_MOVED, row(4));

        assertThat(order()).containsExactly(INCIDENT_OPENED, STATUS_CHANGED, TIMELINE, ProjectionSql.VERSION_MOVED);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.drain()).isEmpty();
    }

    @Test
    void equalTextIsNotEnoughToShareABatch() {
        ProjectionWrite sameText = ProjectionWrite.insertInto(TIMELINE_ENTRY, "incident_id", "sequence").values();
        queue.add(TIMELINE, row(1));
        queue.add(sameText, row(2));

        assertThat(order()).containsExactly(TIMELINE, sameText);
    }

    private List<WriteQueue.Batch> drained;

    private List<ProjectionWrite> order() {
        drained = queue.drain();
        return drained.stream().map(WriteQueue.Batch::write).toList();
    }

    private List<Object> rowsOf(int batch) {
        return drained.get(batch).rows().stream().map(row -> row[0]).toList();
    }

    private static Object[] row(int marker) {
        return new Object[]{marker};
    }
}
