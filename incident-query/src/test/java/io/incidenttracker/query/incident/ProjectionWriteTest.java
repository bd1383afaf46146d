package io.incidenttracker.query.incident;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The statements generated from declared writes, and what each declares about the tables it touches. */
class ProjectionWriteTest {

    @Test
    void anInsertIsOneRowOfValuesInTheDeclaredColumns() {
        ProjectionWrite write = ProjectionWrite.insertInto(ProjectionTable.STATUS_UPDATE,
                "incident_id", "sequence", "text").values();

        assertThat(write.sql()).isEqualTo("INSERT INTO status_update (incident_id, sequence, text) VALUES (?, ?, ?)");
        assertThat(write.conflictKey()).isEmpty();
        assertThat(write.kind()).isEqualTo(ProjectionWrite.Kind.INSERT);
        assertThat(write.touched()).containsExactly(ProjectionTable.STATUS_UPDATE);
        assertThat(write.rowByRow()).isFalse();
    }

    @Test
    void anInsertThatKeepsExistingRowsIsStillAnInsertRunInOneRound() {
        ProjectionWrite write = ProjectionWrite.insertInto(ProjectionTable.PENDING_EVENT,
                "incident_id", "sequence", "payload").cast("payload", "jsonb")
                .valuesOnConflictDoNothing("incident_id, sequence");

        assertThat(write.sql()).isEqualTo("INSERT INTO pending_event (incident_id, sequence, payload) "
                + "VALUES (?, ?, ?::jsonb) ON CONFLICT (incident_id, sequence) DO NOTHING");
        assertThat(write.kind()).isEqualTo(ProjectionWrite.Kind.INSERT);
        UUID incident = UUID.randomUUID();
        List<Object[]> rows = List.of(new Object[]{incident, 1L, "{}"}, new Object[]{incident, 1L, "{}"});
        assertThat(write.rounds(rows)).containsExactly(rows);
    }

    @Test
    void anUpsertIsOneRowOfValuesWithItsConflictClause() {
        ProjectionWrite write = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_SYSTEM,
                "incident_id", "system_id", "state").valuesOnConflictUpdate("incident_id, system_id",
                "state = EXCLUDED.state");

        assertThat(write.kind()).isEqualTo(ProjectionWrite.Kind.UPSERT);
        assertThat(write.sql()).isEqualTo("INSERT INTO incident_system (incident_id, system_id, state) "
                + "VALUES (?, ?, ?) ON CONFLICT (incident_id, system_id) DO UPDATE SET state = EXCLUDED.state");
        assertThat(write.conflictKey()).containsExactly(0, 1);
    }

    @Test
    void anUpsertsBatchRunsInRoundsOfDistinctKeysEachKeysRowsInTheirOrder() {
        ProjectionWrite write = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_SERVICE,
                "state", "incident_id", "service_id").valuesOnConflictUpdate("incident_id, service_id",
                "state = EXCLUDED.state");
        UUID one = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Object[] a1 = {"DOWN", one, "web"};
        Object[] b1 = {"DOWN", one, "mail"};
        Object[] a2 = {"UP", one, "web"};
        Object[] c1 = {"UP", other, "web"};
        Object[] a3 = {"DOWN", one, "web"};
        Object[] b2 = {"UP", one, "mail"};

        List<List<Object[]>> rounds = write.rounds(List.of(a1, b1, a2, c1, a3, b2));

        assertThat(rounds).hasSize(3);
        assertThat(rounds.get(0)).containsExactly(a1, b1, c1);
        assertThat(rounds.get(1)).containsExactly(a2, b2);
        assertThat(rounds.get(2)).containsExactly(a3);
    }

    @Test
    void anUpsertRefusesAKeyOutsideItsColumnsACastKeyOrAParameterInItsUpdate() {
        ProjectionWrite.Insert insert = ProjectionWrite.insertInto(ProjectionTable.INCIDENT_SYSTEM,
                "incident_id", "system_id", "state");

        assertThatThrownBy(() -> insert.valuesOnConflictUpdate("incident_id, service_id", "state = EXCLUDED.state"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service_id");
        assertThatThrownBy(() -> insert.valuesOnConflictUpdate("incident_id, system_id", "state = ?"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no parameter");
        assertThatThrownBy(() -> insert.cast("system_id", "text")
                .valuesOnConflictUpdate("incident_id, system_id", "state = EXCLUDED.state"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no cast");
    }

    @Test
    void anInsertFromASelectDeclaresTheTablesItReads() {
        ProjectionWrite write = ProjectionWrite.insertInto(ProjectionTable.OCCURRED_AT_CORRECTION,
                "incident_id", "sequence").select("SELECT incident_id, ? FROM timeline_entry WHERE incident_id = ?",
                ProjectionTable.TIMELINE_ENTRY);

        assertThat(write.sql()).isEqualTo("INSERT INTO occurred_at_correction (incident_id, sequence) "
                + "SELECT incident_id, ? FROM timeline_entry WHERE incident_id = ?");
        assertThat(write.table()).isEqualTo(ProjectionTable.OCCURRED_AT_CORRECTION);
        assertThat(write.touched())
                .containsExactlyInAnyOrder(ProjectionTable.OCCURRED_AT_CORRECTION, ProjectionTable.TIMELINE_ENTRY);
    }

    @Test
    void updatesAndDeletesNameTheirTable() {
        assertThat(ProjectionWrite.update(ProjectionTable.ATTACK_WAVE, "first_activity_at = ?", "wave = ?").sql())
                .isEqualTo("UPDATE attack_wave SET first_activity_at = ? WHERE wave = ?");
        assertThat(ProjectionWrite.delete(ProjectionTable.PENDING_EVENT, "incident_id = ?").sql())
                .isEqualTo("DELETE FROM pending_event WHERE incident_id = ?");
    }

    @Test
    void aStatementOfSeveralPartsRunsRowByRowAndTouchesEveryTableItNames() {
        ProjectionWrite write = ProjectionWrite.script(ProjectionWrite.Kind.UPSERT, ProjectionTable.INCIDENT_SERVICE,
                EnumSet.of(ProjectionTable.SERVICE_BOARD), "first; second");

        assertThat(write.rowByRow()).isTrue();
        assertThat(write.touched())
                .containsExactlyInAnyOrder(ProjectionTable.INCIDENT_SERVICE, ProjectionTable.SERVICE_BOARD);
    }

    @Test
    void aCastNamesADeclaredColumn() {
        assertThatThrownBy(() -> ProjectionWrite.insertInto(ProjectionTable.PENDING_EVENT, "payload")
                .cast("paylaod", "jsonb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTableButTheIncidentRefersToTheIncidentWhichIsTruncatedLast() {
        for (ProjectionTable table : ProjectionTable.values()) {
            assertThat(table.dependsOn(ProjectionTable.INCIDENT)).isEqualTo(table != ProjectionTable.INCIDENT);
            assertThat(ProjectionTable.INCIDENT.dependsOn(table)).isFalse();
        }
        assertThat(ProjectionTable.sqlNames()).last().isEqualTo("incident");
    }
}
