package io.incidenttracker.query.consuming;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps every record that could not be read, in the same transaction that moves the token past it, so that nothing
 * on the topic goes by unnoticed.
 */
@Component
@ProcessingGroup(Processors.INCIDENT_PROJECTION)
public class UndecodableRecordHandler {

    private static final Logger log = LoggerFactory.getLogger(UndecodableRecordHandler.class);

    private final JdbcTemplate jdbc;
    private final Counter undecodable;

    public UndecodableRecordHandler(JdbcTemplate jdbc, MeterRegistry meterRegistry) {
        this.jdbc = jdbc;
        this.undecodable = Counter.builder("incident.consumer.undecodable")
                .description("Records on the incident topic that could not be read as incident events")
                .register(meterRegistry);
    }

    @EventHandler
    public void on(UndecodableRecord record) {
        int inserted = jdbc.update("""
                INSERT INTO undecodable_record (topic, kafka_partition, kafka_offset, record_key, event_type, reason)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING""",
                record.topic(), record.partition(), record.offset(), record.key(), record.type(), record.reason());
        if (inserted > 0) {
            undecodable.increment();
            log.error("Stored undecodable record {}-{}@{} (key {}, type {}): {}", record.topic(), record.partition(),
                      record.offset(), record.key(), record.type(), record.reason());
        }
    }

    @ResetHandler
    public void reset() {
        jdbc.execute("TRUNCATE undecodable_record");
    }
}
