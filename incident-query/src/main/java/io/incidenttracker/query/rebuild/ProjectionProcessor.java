package io.incidenttracker.query.rebuild;

import io.incidenttracker.query.consuming.ProcessorProperties;
import io.incidenttracker.query.consuming.Processors;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The event processor of the status projections, as the administration sees it: its state, and a restart from the
 * start of the topic. Keeps Axon out of the controller.
 */
@Component
class ProjectionProcessor {

    private static final Logger log = LoggerFactory.getLogger(ProjectionProcessor.class);

    private final EventProcessingConfiguration processing;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final String instanceId;
    private final String resetting;

    ProjectionProcessor(EventProcessingConfiguration processing, JdbcTemplate jdbc,
                        PlatformTransactionManager transactionManager, ProcessorProperties properties) {
        this.processing = processing;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.instanceId = properties.instanceId();
        this.resetting = properties.resettingOwner();
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

    /** Another query instance holds a claim of the processor: only that one can restart it from the start. */
    static final class AppliedElsewhere extends RuntimeException {

        private final List<String> owners;

        AppliedElsewhere(String processor, List<String> owners, Throwable cause) {
            super("The processor '" + processor + "' is applied by another query instance (" + String.join(", ", owners)
                    + "); rebuild it there: its GET /api/admin/projections shows positions", cause);
            this.owners = List.copyOf(owners);
        }

        List<String> owners() {
            return owners;
        }
    }

    /**
     * Stops the processor, resets its position to the start of the topic (its reset handler empties the projection
     * tables) and starts it again; returns the processor's name. With several query instances, only the one applying
     * the projection can reset it: while another instance holds a claim of it this throws {@link AppliedElsewhere}
     * and changes nothing. Asked while nobody holds the claims (a hand-over under way), this instance takes them.
     * <p>
     * The claims are held through the stop: before it, this instance hands them to a name of its own for the reset
     * ({@code <instance id> (resetting)}). The stop releases only the claims its instance id owns, so it leaves these,
     * and another instance waits for the claim timeout before it takes a claim with a fresh timestamp. Right after the
     * stop this instance takes them back under its own id and resets. Were this instance to die in between, the claims
     * lapse after the claim timeout like any other. Should the stop outlast the claim timeout and another instance
     * take a claim meanwhile, the reset changes nothing, this throws {@link AppliedElsewhere}, and the processor runs
     * again from where it was.
     */
    String restartFromTheStart() {
        StreamingEventProcessor processor = processor();
        String name = processor.getName();
        holdForTheReset(name);
        log.warn("Rebuilding the status projections from the topic: stopping '{}'", name);
        try {
            processor.shutDown();
            int claimed = jdbc.update(
                    "UPDATE token_entry SET owner = ?, timestamp = ? WHERE processor_name = ? AND owner = ?",
                    instanceId, now(), name, resetting);
            log.info("Claimed {} segment(s) of '{}' back for the reset", claimed, name);
            // claims every segment, in one transaction: changes nothing unless it claims them all
            processor.resetTokens();
        } catch (UnableToClaimTokenException e) {
            // the stop outlasted the claim timeout, and another instance took a claim over meanwhile
            throw new AppliedElsewhere(name, owners(name), e);
        } finally {
            startAgain(processor, name);
        }
        return name;
    }

    /**
     * Hands every claim of the processor to {@code resetting}, or none of them when another instance holds one (this
     * instance's claims, its claims left from a reset that failed, and claims nobody holds, are taken). The rows are
     * locked while they are checked.
     */
    private void holdForTheReset(String name) {
        List<String> elsewhere = transactions.execute(status -> {
            List<String> owners = jdbc.queryForList(
                    "SELECT owner FROM token_entry WHERE processor_name = ? ORDER BY segment FOR UPDATE",
                    String.class, name);
            List<String> others = owners.stream()
                    .filter(owner -> owner != null && !owner.equals(instanceId) && !owner.equals(resetting))
                    .distinct().toList();
            if (others.isEmpty()) {
                jdbc.update("UPDATE token_entry SET owner = ?, timestamp = ? WHERE processor_name = ?",
                        resetting, now(), name);
            }
            return others;
        });
        if (elsewhere != null && !elsewhere.isEmpty()) {
            throw new AppliedElsewhere(name, elsewhere, null);
        }
    }

    /**
     * Starts the processor again, whatever happened before: a claim still held for the reset (the reset failed before
     * taking it back) is released at once, and so is any hold on a segment. Its worker, meeting the claim held for the
     * reset while the stop was under way, may have released its segment for a while; that would keep this instance
     * from claiming the segment it has just reset, and let the claim lapse to another instance.
     */
    private void startAgain(StreamingEventProcessor processor, String name) {
        try {
            jdbc.update("UPDATE token_entry SET owner = NULL WHERE processor_name = ? AND owner = ?", name, resetting);
            for (Integer segment : jdbc.queryForList(
                    "SELECT segment FROM token_entry WHERE processor_name = ?", Integer.class, name)) {
                processor.releaseSegment(segment, 0, TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            log.warn("Could not release what the reset of '{}' held; its claim lapses after the claim timeout",
                    name, e);
        } finally {
            // running again either way, so that this instance can still take the projection over
            processor.start();
        }
    }

    private List<String> owners(String name) {
        return jdbc.queryForList("""
                SELECT DISTINCT owner FROM token_entry
                WHERE processor_name = ? AND owner IS NOT NULL AND owner <> ? AND owner <> ? ORDER BY owner""",
                String.class, name, instanceId, resetting);
    }

    private static String now() {
        return DateTimeUtils.formatInstant(Instant.now());
    }

    private StreamingEventProcessor processor() {
        return processing.eventProcessor(Processors.INCIDENT_PROJECTION, StreamingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("no processor " + Processors.INCIDENT_PROJECTION));
    }
}
