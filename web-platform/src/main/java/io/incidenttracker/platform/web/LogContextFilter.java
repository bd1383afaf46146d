package io.incidenttracker.platform.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Gives every request its correlation id ({@code X-Correlation-Id} when well-formed, else a new one) and its W3C
 * trace context ({@code traceparent}: the caller's trace continued, else a new one), as request attributes for the
 * code that records events and as MDC entries for every log line written while the request runs, together with
 * the incident id named in the path. The structured (JSON) log format writes MDC entries as fields:
 * {@code correlationId}, {@code traceId}, {@code spanId}, {@code incidentId}.
 */
public class LogContextFilter extends OncePerRequestFilter {

    public static final String MDC_CORRELATION_ID = "correlationId";
    public static final String MDC_TRACE_ID = "traceId";
    public static final String MDC_SPAN_ID = "spanId";
    public static final String MDC_INCIDENT_ID = "incidentId";

    private static final String CORRELATION_ATTRIBUTE = LogContextFilter.class.getName() + ".correlationId";
    private static final String TRACE_ATTRIBUTE = LogContextFilter.class.getName() + ".trace";
    private static final String INCIDENTS = "/api/incidents/";
    private static final int UUID_LENGTH = 36;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String correlationId = CorrelationId.of(request.getHeader(CorrelationId.HEADER));
        TraceContext trace = TraceContext.forRequest(request.getHeader(TraceContext.HEADER));
        request.setAttribute(CORRELATION_ATTRIBUTE, correlationId);
        request.setAttribute(TRACE_ATTRIBUTE, trace);
        MDC.put(MDC_CORRELATION_ID, correlationId);
        MDC.put(MDC_TRACE_ID, trace.traceId());
        MDC.put(MDC_SPAN_ID, trace.parentId());
        incidentIdInPath(request.getRequestURI()).ifPresent(id -> MDC.put(MDC_INCIDENT_ID, id));
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(MDC_CORRELATION_ID);
            MDC.remove(MDC_TRACE_ID);
            MDC.remove(MDC_SPAN_ID);
            MDC.remove(MDC_INCIDENT_ID);
        }
    }

    /** The request's correlation id: the one this filter chose, or one from the header when it did not run. */
    public static String correlationId(HttpServletRequest request) {
        return request.getAttribute(CORRELATION_ATTRIBUTE) instanceof String id ? id
                : CorrelationId.of(request.getHeader(CorrelationId.HEADER));
    }

    /** The trace context of the request being handled on this thread, if any. */
    public static Optional<TraceContext> currentTrace() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes != null
                && attributes.getAttribute(TRACE_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) instanceof TraceContext trace
                ? Optional.of(trace) : Optional.empty();
    }

    /**
     * The incident id of a path {@code /api/incidents/<36 hex digits and dashes>}, alone or followed by {@code /} and
     * more, in its canonical form; empty for any other path (or one that names no valid UUID).
     */
    static Optional<String> incidentIdInPath(String path) {
        int start = INCIDENTS.length();
        int end = start + UUID_LENGTH;
        if (path == null || path.length() < end || !path.startsWith(INCIDENTS)
                || (path.length() > end && (path.charAt(end) != '/' || hasLineTerminator(path, end)))) {
            return Optional.empty();
        }
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-')) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(UUID.fromString(path.substring(start, end)).toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean hasLineTerminator(String path, int from) {
        for (int i = from; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }
}
