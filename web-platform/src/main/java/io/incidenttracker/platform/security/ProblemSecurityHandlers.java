package io.incidenttracker.platform.security;

import io.incidenttracker.platform.problem.ProblemWriter;
import io.incidenttracker.platform.problem.Problems;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 as problems. A 401 keeps its challenge: {@code Basic} with the product's realm for the demo users,
 * {@code Bearer} otherwise, {@code Bearer error="invalid_token"} for a token that was sent but refused.
 */
public class ProblemSecurityHandlers {

    /** One realm for both services: the same users sign in to either. */
    public static final String REALM = "incident-tracker";

    private final ProblemWriter problems;

    public ProblemSecurityHandlers(ProblemWriter problems) {
        this.problems = problems;
    }

    public AuthenticationEntryPoint authenticationEntryPoint(boolean demoUsers) {
        return (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, demoUsers ? "Basic realm=\"" + REALM + "\""
                    : e instanceof OAuth2AuthenticationException ? "Bearer error=\"invalid_token\"" : "Bearer");
            problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED,
                    "Authentication required", demoUsers ? "Send valid credentials" : "Send a valid bearer token"));
        };
    }

    public AccessDeniedHandler accessDeniedHandler() {
        return (request, response, e) -> problems.write(response, Problems.of(HttpStatus.FORBIDDEN,
                Problems.FORBIDDEN, "Forbidden",
                "Your role may not " + request.getMethod() + " " + request.getRequestURI()));
    }
}
