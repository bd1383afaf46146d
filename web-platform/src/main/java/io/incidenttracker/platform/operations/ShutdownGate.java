package io.incidenttracker.platform.operations;

import io.incidenttracker.platform.problem.ProblemWriter;
import io.incidenttracker.platform.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;

/**
 * Requests refused during shutdown get {@code 503 Service Unavailable} with {@code Retry-After} and a problem
 * ({@code urn:problem:incident-tracker:shutting-down}), never a 500: once the application context starts closing,
 * a request that arrives (on a kept-alive connection, or before the load balancer noticed the failed readiness) is
 * refused before it reaches any bean, and one in flight that fails because the context is closing is answered the
 * same way when nothing was written yet. Health probes pass, so that readiness reports the shutdown itself.
 */
public class ShutdownGate extends OncePerRequestFilter implements ApplicationListener<ContextClosedEvent> {

    private final ProblemWriter problems;
    private final Duration retryAfter;
    private volatile boolean closing;

    public ShutdownGate(ProblemWriter problems, Duration retryAfter) {
        this.problems = problems;
        this.retryAfter = retryAfter;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        closing = true;
    }

    public boolean closing() {
        return closing;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (closing && !request.getRequestURI().startsWith("/actuator/health")) {
            refuse(response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!closing || response.isCommitted()) {
                throw e;
            }
            response.resetBuffer();
            refuse(response);
        }
    }

    private void refuse(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
        response.setHeader("Connection", "close");
        problems.write(response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, Problems.SHUTTING_DOWN,
                "Shutting down", "This instance is shutting down. Send the request again (a command with the same "
                        + "Idempotency-Key): it reaches another instance, or this one after its restart."));
    }
}
