package io.incidenttracker.query.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.stereotype.Component;

import java.io.IOException;

/** 401 and 403 as problems; a 401 keeps its challenge ({@code Basic} for the demo users, else {@code Bearer}). */
@Component
public class ProblemSecurityHandlers {

    static final String REALM = "incident-query";

    private final ObjectMapper objectMapper;

    public ProblemSecurityHandlers(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }

    public AuthenticationEntryPoint authenticationEntryPoint(boolean demoUsers) {
        return (request, response, e) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, demoUsers ? "Basic realm=\"" + REALM + "\""
                    : e instanceof OAuth2AuthenticationException ? "Bearer error=\"invalid_token\"" : "Bearer");
            write(response, Problems.problem(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED,
                                             "Missing or invalid credentials."));
        };
    }

    public AccessDeniedHandler accessDeniedHandler() {
        return (request, response, e) -> write(response, Problems.problem(
                HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Your role does not allow this request."));
    }

    public void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(Problems.PROBLEM_JSON.toString());
        objectMapper.writeValue(response.getOutputStream(), problem);
    }
}
