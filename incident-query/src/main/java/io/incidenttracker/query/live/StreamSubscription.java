package io.incidenttracker.query.live;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open stream: its own bounded queue, filled by the {@link ChangeFeed} without ever waiting, and its own
 * (virtual) thread writing to the client, so that a slow client holds up nobody but itself; a client that falls too
 * far behind is disconnected (it resumes from the log when it reconnects).
 * <p>
 * On start it registers with the feed, which answers the id {@code S} it has dispatched up to; the stream then reads
 * the log itself from the client's {@code Last-Event-ID} up to {@code S} (or, when that id is no longer retained, sends
 * {@code reset} with id {@code S}), and from then on takes its queue, skipping what the catch-up already sent. Ids only
 * grow on the wire: nothing missed, nothing repeated.
 */
final class StreamSubscription {

    /** What the feed handed over at once, and when. */
    private record Batch(ChangePage changes, long queuedAtNanos) {
    }

    /** The frames as text in UTF-8 (how Spring's own event builder hands over its lines). */
    private static final MediaType FRAMES = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

    /** Queued when the stream must end: dropped for falling behind, or the service stops. */
    private static final Batch END = new Batch(new ChangePage(List.of()), 0);

    private final ChangeFeed feed;
    private final SseEmitter emitter;
    private final Long resumeAfter;
    private final UUID incidentId;
    private final BlockingQueue<Batch> queue;
    private final AtomicInteger waiting = new AtomicInteger();
    private final int maxWaiting;
    private final long maxLagNanos;
    private final Duration heartbeat;
    private final Duration lifetime;
    private final Runnable onEnd;
    private volatile boolean dropped;
    /** When the last write to the client completed (or the stream started): a client that writes on is not stuck. */
    private volatile long lastProgressNanos = System.nanoTime();
    private long sent;

    StreamSubscription(ChangeFeed feed, SseEmitter emitter, Long resumeAfter, UUID incidentId, Runnable onEnd) {
        this.feed = feed;
        this.emitter = emitter;
        this.resumeAfter = resumeAfter;
        this.incidentId = incidentId;
        StreamProperties properties = feed.properties();
        this.maxWaiting = properties.clientQueue();
        this.maxLagNanos = properties.clientMaxLag().toNanos();
        // bounded by the count of waiting changes, not by its own capacity: nothing allocated up front per stream
        this.queue = new LinkedBlockingQueue<>();
        this.heartbeat = properties.heartbeat();
        this.lifetime = properties.maxLifetime();
        this.onEnd = onEnd;
    }

    void start() {
        Thread.ofVirtual().name("stream").start(this::run);
    }

    /**
     * Called by the feed's thread: queues what this stream wants, never waiting. A stream whose oldest queued change
     * has waited longer than {@code client-max-lag}, or that would hold more than {@code client-queue} changes, is
     * dropped instead. Answers whether this call dropped it.
     */
    boolean offer(ChangePage changes) {
        if (dropped) {
            return false;
        }
        ChangePage wanted = incidentId == null ? changes : changes.filter(this::wants);
        if (wanted.isEmpty()) {
            return false;
        }
        if (tooFarBehind() || waiting.get() + wanted.size() > maxWaiting
                || !queue.offer(new Batch(wanted, System.nanoTime()))) {
            close();
            return true;
        }
        waiting.addAndGet(wanted.size());
        return false;
    }

    /**
     * Whether the oldest change queued for this stream has waited longer than {@code client-max-lag} and no write to
     * the client has completed for as long (a long catch-up that keeps writing is not behind).
     */
    boolean tooFarBehind() {
        Batch oldest = queue.peek();
        long now = System.nanoTime();
        return !dropped && oldest != null && oldest != END && now - oldest.queuedAtNanos() > maxLagNanos
                && now - lastProgressNanos > maxLagNanos;
    }

    /** Ends the stream (dropped, or the service stops). */
    void close() {
        dropped = true;
        queue.clear();
        queue.offer(END);
    }

    private boolean wants(LoggedChange change) {
        return incidentId == null || incidentId.equals(change.incidentId());
    }

    private void run() {
        try {
            long horizon = feed.subscribe(this);
            catchUp(horizon);
            Instant end = Instant.now().plus(lifetime);
            while (Instant.now().isBefore(end)) {
                Batch batch = queue.poll(heartbeat.toMillis(), TimeUnit.MILLISECONDS);
                if (batch == null) {
                    emitter.send(SseEmitter.event().comment("heartbeat"));
                    lastProgressNanos = System.nanoTime();
                    continue;
                }
                if (batch == END) {
                    break;
                }
                send(batch.changes());
                waiting.addAndGet(-batch.changes().size());
            }
            end(null);
        } catch (IOException | IllegalStateException e) {
            // the client went away (or the response is already over): nothing left to write to
            end(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(null);
        } catch (RuntimeException e) {
            end(e);
        } finally {
            feed.unsubscribe(this);
            onEnd.run();
        }
    }

    /**
     * Completes the response, with the error that ended it if any. When the client went away, the container may have
     * ended the response already (its error callback returned): Tomcat then refuses the completion from this thread
     * with an {@link IllegalStateException}, and there is nothing left to complete.
     */
    private void end(Throwable error) {
        try {
            if (error == null) {
                emitter.complete();
            } else {
                emitter.completeWithError(error);
            }
        } catch (IllegalStateException alreadyOver) {
            // the response is over: the subscription still ends below (unsubscribed, its place freed)
        }
    }

    /**
     * Sends what was logged after the client's id up to the horizon, or {@code reset} when that id is not retained
     * (pruned, or unknown to this log). An id beyond the horizon that the log knows (another instance dispatched it
     * first) needs no catch-up: the queue brings what follows it.
     */
    private void catchUp(long horizon) throws IOException {
        sent = horizon;
        if (resumeAfter == null) {
            return;
        }
        ChangeFeed.Position position = feed.position();
        if (resumeAfter > position.lastId() || resumeAfter < position.retainedAfter()) {
            reset(horizon);
            return;
        }
        if (resumeAfter >= horizon) {
            sent = resumeAfter;
            return;
        }
        sent = resumeAfter;
        long after = resumeAfter;
        while (after < horizon) {
            List<LoggedChange> page = feed.read(after, horizon, 500);
            if (feed.position().retainedAfter() > after) {
                // pruned while it was read: the page may have a hole
                reset(horizon);
                return;
            }
            if (page.isEmpty()) {
                break;
            }
            send(new ChangePage(page).filter(this::wants));
            after = page.get(page.size() - 1).id();
        }
        sent = horizon;
    }

    private void reset(long horizon) throws IOException {
        emitter.send(SseEmitter.event().id(Long.toString(horizon)).name("reset")
                .data("{\"reason\":\"The stream cannot resume from the given id: reload the views\"}",
                      MediaType.APPLICATION_JSON));
        sent = horizon;
    }

    /**
     * Sends the changes not sent yet as one write and one flush of their frames: with a thousand streams, a flush per
     * event would double the writes (and the client's reads) for every change that touches an incident and a service.
     * A page the feed handed to every stream is encoded once for all of them ({@link ChangePage}), so a stream that
     * sends it whole writes the shared bytes.
     */
    private void send(ChangePage changes) throws IOException {
        ChangePage unsent = changes.after(sent);
        if (!unsent.isEmpty()) {
            emitter.send(Set.of(new ResponseBodyEmitter.DataWithMediaType(unsent.encoded(), FRAMES)));
            sent = unsent.lastId();
            lastProgressNanos = System.nanoTime();
        }
    }
}
