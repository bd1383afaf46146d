package io.incidenttracker.command.obligation;

import io.incidenttracker.command.CommandServiceIntegration;
import io.incidenttracker.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A report finds its incident's waiting deadlines with one probe of the index of migration V7, not by reading every
 * incident's: the deadline manager's query repeats the index's expression, and this fails if the two part. Among
 * 5,000 deadlines of other incidents (in a transaction rolled back afterwards), the query finds exactly the
 * incident's two and PostgreSQL plans it on that index.
 */
class ClockDeadlinesIndexTest extends CommandServiceIntegration {

    @Test
    void anIncidentsWaitingDeadlinesAreFoundThroughTheIndexNotByReadingEveryDeadline() throws Exception {
        UUID incident = UUID.randomUUID();
        String query = ClockDeadlines.IncidentDeadlines.waitingDeadlinesNaming("scheduled_tasks");
        try (Connection connection = TestDatabase.connect(DATABASE)) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("""
                        INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time, picked,
                                                     version)
                        SELECT 'AxonDeadline', gen_random_uuid()::text,
                               convert_to('...t\\"obligation-due:X:y\\"...{"type":"Incident","identifier":"'
                                          || (CASE WHEN n <= 2 THEN '%s' ELSE gen_random_uuid()::text END)
                                          || '"}t\\"org.axonframework.modelling.command.AggregateScopeDescriptor',
                                          'UTF8'),
                               now() + interval '1 day', false, 1
                        FROM generate_series(1, 5000) AS n""".formatted(incident));
                statement.execute("ANALYZE scheduled_tasks");
            }
            try (PreparedStatement select = connection.prepareStatement(query);
                 PreparedStatement explain = connection.prepareStatement("EXPLAIN " + query)) {
                byte[] id = incident.toString().getBytes(StandardCharsets.UTF_8);
                select.setBytes(1, id);
                assertThat(rows(select)).hasSize(2);
                explain.setBytes(1, id);
                assertThat(String.join("\n", rows(explain))).contains("scheduled_tasks_deadline_incident_idx");
            } finally {
                connection.rollback();
            }
        }
    }

    private static List<String> rows(PreparedStatement statement) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
