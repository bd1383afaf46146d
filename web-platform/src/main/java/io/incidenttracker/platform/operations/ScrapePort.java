package io.incidenttracker.platform.operations;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * Prometheus scrapes through a port of its own: with {@code management.server.port} set
 * ({@code INCIDENT_MANAGEMENT_PORT}), the actuator endpoints move to that port, and there, and only there,
 * {@code GET /actuator/prometheus} needs no credentials. Every other actuator endpoint keeps its rule (health open,
 * the rest ADMIN), and the API port serves no actuator endpoint at all. Keep the management port inside the
 * cluster network (docs/operations.md, "Metrics and scraping"); without it set, scraping needs an ADMIN principal.
 */
public final class ScrapePort {

    /** {@code GET /actuator/prometheus} that arrived on a separate management port. */
    public static final RequestMatcher PROMETHEUS = request -> "GET".equals(request.getMethod())
            && "/actuator/prometheus".equals(request.getRequestURI())
            && onManagementPort(request);

    private ScrapePort() {
    }

    static boolean onManagementPort(HttpServletRequest request) {
        WebApplicationContext context = WebApplicationContextUtils.findWebApplicationContext(request.getServletContext());
        if (context == null) {
            return false;
        }
        Integer port = context.getEnvironment().getProperty("local.management.port", Integer.class);
        Integer serverPort = context.getEnvironment().getProperty("local.server.port", Integer.class);
        return port != null && port > 0 && !port.equals(serverPort) && request.getLocalPort() == port;
    }
}
