package io.incidenttracker.query.incident;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.ServerHttpObservationFilter;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * The reads a dashboard repeats most, answered as stored without Spring MVC's dispatch: {@code GET
 * /api/incidents/{id}} and {@code GET /api/services} with no parameters, whose answers the projection keeps as
 * documents ({@link ViewDocuments}). On the instance that applies the projection a repeated read is answered from
 * memory ({@link StoredViewCache}); elsewhere a read is one primary-key probe and the stored bytes, a conditional read
 * one probe of the ETag and a 304.
 * <p>
 * It runs after every other filter of the service (security with its access rules, rate limit and headers, the
 * request's log context and observation, the shutdown gate), where the dispatcher would run, and answers exactly what
 * {@code IncidentController} and {@code ServiceBoardController} answer for the same request: the same status, ETag,
 * content type and bytes. Whatever it does not answer goes on to them unchanged: another method, any query parameter
 * ({@code asOf}, {@code atSequence}), a path that is not a canonical UUID, an {@code Accept} that excludes JSON, a
 * detail not stored (rendered by the controller, or 404), a failing database (the controller's problem answer). Both
 * answer through {@link ViewDocuments#currentIncident} and {@link ViewDocuments#currentBoard}. The observation of the request is named by the controller's path pattern, as if dispatched.
 * <p>
 * Measured: Spring MVC's dispatch was about two fifths of a read's CPU in the service, the read itself a twentieth
 * (docs/performance-log.md, "Reads without the dispatch"). Off with {@code incident-query.views.direct-reads=false}.
 */
@Component
public class StoredViewFilter extends HttpFilter implements Ordered {

    static final String INCIDENTS = "/api/incidents/";
    static final String SERVICES = "/api/services";
    private static final int UUID_LENGTH = 36;

    private final transient ViewDocuments documents;
    private final boolean enabled;

    public StoredViewFilter(ViewDocuments documents, ViewProperties properties) {
        this.documents = documents;
        this.enabled = properties.directReads();
    }

    /** After every other filter: security, limits, observation and the gate all apply as to any request. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 100;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!enabled || !answered(request, response)) {
            chain.doFilter(request, response);
        }
    }

    /** Answers the request if it is a plain read of a stored view; false (nothing written) otherwise. */
    private boolean answered(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!"GET".equals(request.getMethod()) || request.getQueryString() != null
                || !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
            return false;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
        try {
            if (path.equals(SERVICES)) {
                return answer(request, response, SERVICES, documents.currentBoard(ifNoneMatch));
            }
            UUID incident = incidentId(path);
            return incident != null
                    && answer(request, response, INCIDENTS + "{id}", documents.currentIncident(incident, ifNoneMatch));
        } catch (DataAccessException e) {
            // nothing written yet: the controller reads again and answers its problem if the database still fails
            return false;
        }
    }

    /** Writes the stored view's answer: 304 with its ETag, or 200 with its bytes; false if none is stored. */
    private static boolean answer(HttpServletRequest request, HttpServletResponse response, String pattern,
                                  Optional<ViewDocuments.Current> current) throws IOException {
        if (current.isEmpty()) {
            return false;
        }
        observedAs(request, pattern);
        ViewDocuments.Stored stored = current.get().stored();
        response.setHeader(HttpHeaders.ETAG, stored.etag());
        if (current.get().notModified()) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return true;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(stored.body().length);
        response.getOutputStream().write(stored.body());
        return true;
    }

    /** The request's metrics and traces name the controller's path pattern, as a dispatched request's would. */
    private static void observedAs(HttpServletRequest request, String pattern) {
        ServerHttpObservationFilter.findObservationContext(request)
                .ifPresent(context -> context.setPathPattern(pattern));
    }

    /** Whether the controller would answer JSON: no Accept, or one that admits it (else its 406 is the dispatcher's). */
    static boolean acceptsJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        try {
            for (MediaType type : MediaType.parseMediaTypes(accept)) {
                if (type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
                    return true;
                }
            }
            return false;
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** The incident id of {@code /api/incidents/{id}} with a UUID in its canonical form; null for any other path. */
    static UUID incidentId(String path) {
        if (path.length() != INCIDENTS.length() + UUID_LENGTH || !path.startsWith(INCIDENTS)) {
            return null;
        }
        int start = INCIDENTS.length();
        for (int i = 0; i < UUID_LENGTH; i++) {
            char c = path.charAt(start + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (dash ? c != '-' : !hex) {
                return null;
            }
        }
        return UUID.fromString(path.substring(start));
    }
}
