package io.incidenttracker.query.rebuild;

import io.incidenttracker.query.consuming.ProcessorProperties;
import io.incidenttracker.query.consuming.Processors;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The event processor of the status projections, as the administration sees it: its state, and a restart from the
 * start of the topic. Keeps Axon out of the controller.
 */
@Component
class ProjectionProcessor {

    private static final Logger log = LoggerFactory.getLogger(ProjectionProcessor.class);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;
    private final String instanceId;

    ProjectionProcessor(EventProcessingConfiguration processing, JdbcTemplate jdbc, ProcessorProperties properties) {
        this.processing = processing;
        this.jdbc = jdbc;
        this.instanceId = properties.instanceId();
    }

    /** The processor's state: running, replaying or failing in any segment, and each segment's position. */
    record State(String name, boolean running, boolean replaying, boolean failing, Map<Integer, String> positions) {
    }

    State state() {
        StreamingEventProcessor processor = processor();
        Map<Integer, String> positions = new TreeMap<>();
        boolean replaying = false;
        boolean failing = false;
        for (Map.Entry<Integer, EventTrackerStatus> segment : processor.processingStatus().entrySet()) {
            EventTrackerStatus status = segment.getValue();
            positions.put(segment.getKey(), String.valueOf(status.getTrackingToken()));
            replaying |= status.isReplaying();
            failing |= status.isErrorState();
        }
        return new State(processor.getName(), processor.isRunning(), replaying, failing, positions);
    }

    /**
     * Stops the processor, resets its position to the start of the topic (its reset handler empties the projection
     * tables) and starts it again; returns the processor's name. With several query instances, only the one applying
     * the projection (holding its claim; its {@link #state()} shows positions) can reset it: it claims the segments
     * back right after the stop, before another instance's claim interval comes round.
     */
    String restartFromTheStart() {
        StreamingEventProcessor processor = processor();
        log.warn("Rebuilding the status projections from the topic: stopping '{}'", processor.getName());
        processor.shutDown();
        try {
            // the stop gave the claims up, and another query instance would claim them within its claim interval:
            // this instance claims them back at once where nobody has (the reset needs every one of them)
            int claimed = jdbc.update("""
                    UPDATE token_entry SET owner = ?, timestamp = ?
                    WHERE processor_name = ? AND (owner IS NULL OR owner = ?)""",
                    instanceId, DateTimeUtils.formatInstant(Instant.now()), processor.getName(), instanceId);
            log.info("Claimed {} segment(s) of '{}' for the reset", claimed, processor.getName());
            // claims every segment: fails while another query instance holds one (it applies the projection)
            processor.resetTokens();
        } finally {
            // running again either way, so that this instance can still take the projection over
            processor.start();
        }
        return processor.getName();
    }

    private StreamingEventProcessor processor() {
        return processing.eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no processor " + Processors.INCIDENT_PROJECTION));
    }
}
