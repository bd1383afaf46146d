package io.incidenttracker.query.serviceboard;

import io.incidenttracker.query.incident.ServiceState;
import io.incidenttracker.query.incident.ViewDocuments;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * Reads the service board (the table {@code service_board}, kept by the incident projection), so that its controller
 * holds no SQL.
 */
@Component
public class ServiceBoardQueries implements ViewDocuments.BoardSource {

    private final JdbcTemplate jdbc;

    public ServiceBoardQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every service on the board, ordered by service id; in a fold, the board as of the fold's instant. */
    @Override
    public List<ServiceBoardEntry> current() {
        return jdbc.query("SELECT service_id, state, since, incident_id FROM service_board ORDER BY service_id",
                          (rs, i) -> new ServiceBoardEntry(
                                  rs.getString("service_id"),
                                  ServiceState.valueOf(rs.getString("state")),
                                  rs.getObject("since", OffsetDateTime.class).toInstant(),
                                  rs.getObject("incident_id", UUID.class)));
    }
}
