package io.incidenttracker.query.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Stateless, no sessions, no CSRF (no cookies). Who may do what is in {@link AccessRules}; who the caller is, in
 * {@link AuthenticationConfiguration}. Every answer carries the usual security headers; a caller over its rate
 * gets 429; no endpoint takes a body, so one over the size limit is a 413.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    /** For answers of the API: nothing may be loaded, framed or cached. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /** The Swagger UI pages load their own scripts and styles, nothing from elsewhere. */
    static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Bean
    public SecurityFilterChain apiSecurity(HttpSecurity http, ProblemSecurityHandlers problems, Environment environment,
                                           @Value("${incidenttracker.http.rate-limit.requests-per-second}")
                                           double requestsPerSecond,
                                           @Value("${incidenttracker.http.rate-limit.burst}") int burst,
                                           @Value("${incidenttracker.http.max-body-size:16KB}") String maxBody)
            throws Exception {
        boolean demoUsers = environment.getProperty(AuthenticationConfiguration.DEMO_USERS, Boolean.class, false);
        AuthenticationEntryPoint entryPoint = problems.authenticationEntryPoint(demoUsers);
        RequestMatcher docs = request -> request.getRequestURI().startsWith("/swagger-ui");
        http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler(problems.accessDeniedHandler()))
                .authorizeHttpRequests(AccessRules::apply)
                .headers(headers -> {
                    headers.frameOptions(frame -> frame.deny())
                            .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(new NegatedRequestMatcher(docs),
                                    new StaticHeadersWriter("Content-Security-Policy", API_CSP)))
                            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(docs,
                                    new StaticHeadersWriter("Content-Security-Policy", DOCS_CSP)));
                    if (demoUsers) {
                        headers.httpStrictTransportSecurity(hsts -> hsts.disable());
                    } else {
                        // behind TLS termination the request may look plain: send it always (browsers ignore it on http)
                        headers.httpStrictTransportSecurity(hsts -> hsts.requestMatcher(AnyRequestMatcher.INSTANCE)
                                .includeSubDomains(true).maxAgeInSeconds(31_536_000));
                    }
                })
                .addFilterBefore(new RateLimitFilter(requestsPerSecond, burst, problems), AuthorizationFilter.class)
                .addFilterBefore(bodySizeLimit(DataSize.parse(maxBody).toBytes(), problems), AuthorizationFilter.class);
        if (demoUsers) {
            http.httpBasic(basic -> basic.realmName(ProblemSecurityHandlers.REALM).authenticationEntryPoint(entryPoint));
        } else {
            http.oauth2ResourceServer(resourceServer -> resourceServer
                    .authenticationEntryPoint(entryPoint)
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(
                            AuthenticationConfiguration.jwtAuthentication(environment))));
        }
        return http.build();
    }

    private static OncePerRequestFilter bodySizeLimit(long maxBytes, ProblemSecurityHandlers problems) {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                                            FilterChain chain) throws ServletException, IOException {
                if (request.getContentLengthLong() > maxBytes) {
                    problems.write(response, Problems.problem(HttpStatus.PAYLOAD_TOO_LARGE, Problems.TOO_LARGE,
                            "The body has " + request.getContentLengthLong() + " bytes; at most " + maxBytes
                                    + " are accepted"));
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }
}
