package io.incidenttracker.platform.security;

import io.incidenttracker.platform.problem.ProblemWriter;
import io.incidenttracker.platform.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per principal (the authenticated name; the remote address for anonymous callers), in memory:
 * {@code burst} requests at once, refilled at {@code requestsPerSecond}. A caller over its rate gets 429 with
 * {@code Retry-After}. Runs after authentication, so a caller cannot spend another's bucket.
 */
public class RateLimitFilter extends OncePerRequestFilter {

    /** Above this many callers, buckets that are full again (idle callers) are dropped. */
    private static final int MAX_TRACKED_CALLERS = 100_000;

    private final double tokensPerNano;
    private final double burst;
    private final ProblemWriter problems;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimitFilter(double requestsPerSecond, int burst, ProblemWriter problems) {
        if (requestsPerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("The rate limit needs requests-per-second > 0 and burst >= 1");
        }
        this.tokensPerNano = requestsPerSecond / 1e9;
        this.burst = burst;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long waitNanos = take(callerOf(request), System.nanoTime());
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            problems.write(response, tooMany(seconds));
            return;
        }
        chain.doFilter(request, response);
    }

    private static ProblemDetail tooMany(long seconds) {
        return Problems.of(HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_REQUESTS, "Too many requests",
                "This caller's request rate is over the limit; retry after " + seconds + " s");
    }

    private static String callerOf(HttpServletRequest request) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.isAuthenticated()
                && !(authentication instanceof AnonymousAuthenticationToken)
                ? "principal:" + authentication.getName()
                : "address:" + request.getRemoteAddr();
    }

    /** Takes one token; answers 0, or how long until one is there. */
    long take(String caller, long now) {
        if (buckets.size() > MAX_TRACKED_CALLERS) {
            buckets.values().removeIf(bucket -> bucket.isFull(now));
        }
        return buckets.computeIfAbsent(caller, key -> new Bucket(now)).take(now);
    }

    private final class Bucket {

        private double tokens = burst;
        private long updated;

        Bucket(long now) {
            this.updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / tokensPerNano);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * tokensPerNano);
            updated = now;
        }
    }
}
