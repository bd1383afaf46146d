package io.incidenttracker.query.incident;

import org.springframework.boot.context.properties.ConfigurationProperties;

import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * How the stored views keep up ({@code incident-query.views}).
 *
 * @param catchUpIncidents   a processor batch that changed the details of at least this many incidents is a
 *                           catch-up (a live batch holds what arrived while the one before it ran: a few incidents;
 *                           a rebuild of interleaved incidents or a backlog after an outage or an overload hundreds):
 *                           those details stay pending until the projection has caught up, and are then rendered
 *                           once by a pass ({@link DetailRenderer}) instead of right after each batch; meanwhile a
 *                           read renders the detail from the tables. 0: every batch has its details rendered
 * @param backfillInterval   how often a pass looks for pending details and renders them, once no catch-up batch has
 *                           committed for as long
 * @param backfillChunk      details rendered per transaction of a pass
 * @param renderChunk        details rendered per transaction right after their batches: a batch that changes an
 *                           incident whose detail is being rendered waits for that transaction, so it stays short
 * @param directReads        whether a plain read of a stored detail or of the board is answered as stored before
 *                           Spring MVC's dispatch ({@link StoredViewFilter}); false sends every read to the
 *                           controllers, which answer the same
 * @param vacuumAfterDropped once catch-up batches have marked at least this many details since the last time, the
 *                           pass first analyses the projection's tables and vacuums those whose dead rows pass
 *                           autovacuum's default threshold ({@link ProjectionVacuum}), so that the details are
 *                           rendered from tables without the rows the catch-up left dead. 0 never
 * @param cacheSize          how many bytes of stored details and board this instance keeps in memory while it is
 *                           the one applying the incident projection ({@link StoredViewCache}), counted as kept
 *                           (deflated, where that is smaller); 0 keeps none
 */
@ConfigurationProperties("incident-query.views")
public record ViewProperties(Integer catchUpIncidents, Duration backfillInterval, Integer backfillChunk,
                             Integer renderChunk, Boolean directReads, Integer vacuumAfterDropped,
                             DataSize cacheSize) {

    public ViewProperties {
        if (catchUpIncidents == null) {
            catchUpIncidents = 100;
        }
        if (backfillInterval == null) {
            backfillInterval = Duration.ofMillis(500);
        }
        if (backfillChunk == null) {
            backfillChunk = 200;
        }
        if (renderChunk == null) {
            renderChunk = 32;
        }
        if (directReads == null) {
            directReads = true;
        }
        if (vacuumAfterDropped == null) {
            vacuumAfterDropped = 1_000;
        }
        if (cacheSize == null) {
            cacheSize = DataSize.ofMegabytes(16);
        }
        if (cacheSize.isNegative()) {
            throw new IllegalArgumentException("incident-query.views.cache-size must be 0 or more");
        }
        if (catchUpIncidents < 0) {
            throw new IllegalArgumentException("incident-query.views.catch-up-incidents must be 0 or more");
        }
        if (backfillInterval.isNegative() || backfillInterval.isZero()) {
            throw new IllegalArgumentException("incident-query.views.backfill-interval must be positive");
        }
        if (backfillChunk < 1) {
            throw new IllegalArgumentException("incident-query.views.backfill-chunk must be 1 or more");
        }
        if (renderChunk < 1) {
            throw new IllegalArgumentException("incident-query.views.render-chunk must be 1 or more");
        }
        if (vacuumAfterDropped < 0) {
            throw new IllegalArgumentException("incident-query.views.vacuum-after-dropped must be 0 or more");
        }
    }

    /** The bytes of stored views an instance may keep in memory (0: none). */
    long cacheBytes() {
        return cacheSize.toBytes();
    }

    /** Whether a batch that changed this many incidents' details is a catch-up. */
    boolean catchingUp(int incidents) {
        return catchUpIncidents > 0 && incidents >= catchUpIncidents;
    }

    /** Whether this many details marked by catch-ups since the last vacuum call for one before the pass. */
    boolean vacuumDue(long dropped) {
        return vacuumAfterDropped > 0 && dropped >= vacuumAfterDropped;
    }
}
