package io.incidenttracker.query.live;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code incident-query.stream}: the limits of {@code GET /api/stream}.
 *
 * @param maxStreamsPerUser open streams one principal may hold at once; one more is refused with a 429 problem
 * @param maxStreams        open streams this instance holds at once, every principal's together; one more is refused
 *                          with a 503 problem and {@code Retry-After} (another instance may have room). Each open
 *                          stream keeps its connection's request and response in the heap, about 90 KB of the servlet
 *                          container's buffers: 1,000 of them fill most of a 256 MB heap beside the views, and more
 *                          would end in full collections back to back and then an out-of-memory exit
 * @param heartbeat         a comment line goes to every idle stream this often (proxies close silent connections)
 * @param clientQueue       changes that may wait for one client; one with more is disconnected (it reconnects
 *                          with its Last-Event-ID and catches up from the log)
 * @param clientMaxLag      how long a change may wait for one client; a client that is this far behind is
 *                          disconnected the same way
 * @param maxLifetime       a stream ends after this long; the client reconnects where it stood
 * @param retention         how long the change log keeps a change; resuming from an older id answers {@code reset}
 * @param poll              how often the log is read without a local commit (changes another instance made)
 */
@ConfigurationProperties("incident-query.stream")
public record StreamProperties(
        @DefaultValue("5") int maxStreamsPerUser,
        @DefaultValue("1000") int maxStreams,
        @DefaultValue("15s") Duration heartbeat,
        @DefaultValue("10000") int clientQueue,
        @DefaultValue("10s") Duration clientMaxLag,
        @DefaultValue("30m") Duration maxLifetime,
        @DefaultValue("24h") Duration retention,
        @DefaultValue("1s") Duration poll) {
}
