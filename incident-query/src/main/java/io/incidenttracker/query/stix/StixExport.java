package io.incidenttracker.query.stix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.events.incident.IncidentEvent;
import io.incidenttracker.query.stix.StixBundle.Recorded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The STIX bundle of an incident, from its event history ({@code incident_event}), up to its first gap. */
@Component
public class StixExport {

    private static final Logger log = LoggerFactory.getLogger(StixExport.class);

    private final JdbcTemplate jdbc;
    private final ObjectMapper objectMapper;
    private final StixBundle bundle;

    public StixExport(JdbcTemplate jdbc, ObjectMapper objectMapper, StixProperties properties) {
        this.jdbc = jdbc;
        this.objectMapper = objectMapper;
        this.bundle = new StixBundle(new StixBundle.Organisation(properties.organisation(), properties.contact(),
                                                                 properties.organisationSince()));
    }

    /** The bundle, or empty when the incident's opening is not known (yet). */
    public Optional<ObjectNode> of(UUID incidentId, StixBundle.Tlp tlp) {
        List<Recorded> events = new ArrayList<>();
        long[] expected = {0};
        jdbc.query("""
                SELECT sequence, event_type, payload::text AS payload, recorded_at FROM incident_event
                WHERE incident_id = ? ORDER BY sequence""", rs -> {
            long sequence = rs.getLong("sequence");
            if (sequence != expected[0]) {
                return; // a gap: nothing after it is exported, as nothing after it is applied
            }
            String type = rs.getString("event_type");
            Optional<Class<?>> eventClass = IncidentEvent.CATALOG.classOf(type);
            if (eventClass.isEmpty()) {
                log.warn("Event {} of incident {} has unknown type {}; the STIX export stops before it", sequence,
                         incidentId, type);
                expected[0] = -1;
                return;
            }
            try {
                IncidentEvent event = (IncidentEvent) objectMapper.readValue(rs.getString("payload"), eventClass.get());
                events.add(new Recorded(sequence, event, rs.getTimestamp("recorded_at").toInstant()));
                expected[0]++;
            } catch (IOException e) {
                throw new IllegalStateException("Event " + sequence + " of incident " + incidentId
                        + " cannot be read", e);
            }
        }, incidentId);
        return events.isEmpty() ? Optional.empty() : Optional.of(bundle.build(incidentId, events, tlp));
    }
}
