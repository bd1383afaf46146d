package io.incidenttracker.platform.web;

import io.incidenttracker.platform.problem.ProblemWriter;
import io.incidenttracker.platform.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Refuses request bodies over the configured size with 413 before anything reads them; a body without a declared
 * length (chunked) is refused with 411, since its size cannot be known in advance. Registered as the first servlet
 * filter, ahead of the security chain.
 */
public class BodySizeLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;
    private final ProblemWriter problems;

    public BodySizeLimitFilter(DataSize maxBodySize, ProblemWriter problems) {
        this.maxBytes = maxBodySize.toBytes();
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        boolean chunked = declared < 0 && "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
        if (chunked) {
            problems.write(response, Problems.of(HttpStatus.LENGTH_REQUIRED, Problems.LENGTH_REQUIRED,
                    "Content-Length required", "Send the body with a Content-Length of at most " + maxBytes
                            + " bytes"));
            return;
        }
        if (declared > maxBytes) {
            problems.write(response, Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, Problems.TOO_LARGE,
                    "Request body too large",
                    "The body has " + declared + " bytes; at most " + maxBytes + " are accepted"));
            return;
        }
        chain.doFilter(request, response);
    }
}
