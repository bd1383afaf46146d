package io.incidenttracker.query.live;

import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.platform.problem.Problems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code GET /api/stream}: the status views' changes as Server-Sent Events, resumable, for every role. */
@RestController
@Tag(name = "Live", description = "Changes of the status views as they commit")
public class StreamController {

    private final ChangeFeed feed;
    private final StreamProperties properties;
    private final ConcurrentMap<String, Integer> openPerUser = new ConcurrentHashMap<>();
    private final AtomicInteger openHere = new AtomicInteger();

    public StreamController(ChangeFeed feed, StreamProperties properties) {
        this.feed = feed;
        this.properties = properties;
    }

    /** The caller holds as many streams as allowed. */
    static final class TooManyStreams extends RuntimeException {
        TooManyStreams(int limit) {
            super("You hold " + limit + " open streams, the most one user may; close one first");
        }
    }

    /** This instance holds as many streams as it may. */
    static final class AtCapacity extends RuntimeException {
        AtCapacity(int limit) {
            super("This instance holds " + limit + " open streams, the most it may; try again shortly (another "
                  + "instance may have room)");
        }
    }

    /** How long a client refused for the instance's capacity is asked to wait, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    @GetMapping(path = "/api/stream", produces = "text/event-stream")
    @Operation(operationId = "streamViewChanges", summary = "The status views' changes as Server-Sent Events",
            description = """
                    One event per committed change of a view, after the view shows it. Event names: `incident` \
                    (data `{incidentId, version, status, severity}`), `service` (`{serviceId}`, a board row \
                    changed), `obligation` (`{incidentId, obligationId, state}`: a clock started OPEN, WARNED, MISSED \
                    or FULFILLED); `reset` (`{reason}`) when the stream cannot resume from the given id: reload the \
                    views and go on from the reset's id. Every event has an `id:`, increasing, the same on every \
                    instance; `Last-Event-ID` (header, or `lastEventId`) resumes after it with nothing missed or \
                    repeated while it is retained (incident-query.stream.retention). A comment line at least every \
                    15 s; a stream ends after incident-query.stream.max-lifetime (the client reconnects). A client \
                    whose oldest undelivered change waits incident-query.stream.client-max-lag (or with \
                    incident-query.stream.client-queue waiting) is disconnected.""")
    @ApiResponse(responseCode = "200", description = "The stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "400", description = "incidentId is no UUID, or the last event id is no number")
    @ApiResponse(responseCode = "406", description = "The Accept header rules out text/event-stream")
    @ApiResponse(responseCode = "429", description = "The caller holds incident-query.stream.max-streams-per-user "
            + "open streams already (or the rate limit)")
    @ApiResponse(responseCode = "503", description = "This instance holds incident-query.stream.max-streams open "
            + "streams already, every user's together, or is shutting down; try again after the time in Retry-After "
            + "(another instance may have room)")
    public SseEmitter stream(
            @Parameter(description = "Only this incident's changes (its service changes included)")
            @RequestParam(required = false) UUID incidentId,
            @Parameter(description = "Resume after this event id (as the Last-Event-ID header)")
            @RequestParam(required = false) String lastEventId,
            @Parameter(description = "Resume after this event id; what EventSource sends when it reconnects")
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader,
            Authentication caller) {
        Long resumeAfter = eventId(lastEventIdHeader != null ? lastEventIdHeader : lastEventId);
        String user = caller.getName();
        Integer open = openPerUser.merge(user, 1, Integer::sum);
        if (open > properties.maxStreamsPerUser()) {
            releaseUser(user);
            throw new TooManyStreams(properties.maxStreamsPerUser());
        }
        if (openHere.incrementAndGet() > properties.maxStreams()) {
            openHere.decrementAndGet();
            releaseUser(user);
            throw new AtCapacity(properties.maxStreams());
        }
        SseEmitter emitter;
        try {
            emitter = new SseEmitter(properties.maxLifetime().plus(properties.heartbeat()).toMillis());
            // Sent before the emitter is handed to Spring MVC, so it is held until the request thread initializes
            // the emitter and is written there: the response's headers are written and committed on the request
            // thread, inside its filter chain. The stream's own thread only ever writes to a committed response;
            // were its first write to commit the response, it would write the headers while the request thread,
            // unwinding the filters (the security headers' writer), still touches them: Tomcat's headers are not
            // thread-safe, and a stream opened in such a moment is broken.
            emitter.send(SseEmitter.event().comment("stream open"));
            new StreamSubscription(feed, emitter, resumeAfter, incidentId, () -> release(user)).start();
        } catch (IOException | RuntimeException e) {
            release(user);
            throw new IllegalStateException("The stream could not be opened", e);
        }
        return emitter;
    }

    @ExceptionHandler(TooManyStreams.class)
    ResponseEntity<Object> tooManyStreams(TooManyStreams e) {
        return Problems.respond(Problems.of(HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_REQUESTS,
                "Too many open streams", e.getMessage()));
    }

    @ExceptionHandler(AtCapacity.class)
    ResponseEntity<Object> atCapacity(AtCapacity e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS))
                .contentType(Problems.PROBLEM_JSON)
                .body(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.STREAMS_AT_CAPACITY,
                                  "Streams at capacity", e.getMessage()));
    }

    /** A stream of the user's ended, or was never opened: its places, the user's and the instance's, are free. */
    private void release(String user) {
        openHere.decrementAndGet();
        releaseUser(user);
    }

    private void releaseUser(String user) {
        openPerUser.computeIfPresent(user, (name, count) -> count <= 1 ? null : count - 1);
    }

    private static Long eventId(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long id = Long.parseLong(value.strip());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequest("Last-Event-ID", "must be an event id of this stream (a non-negative number)");
    }
}
