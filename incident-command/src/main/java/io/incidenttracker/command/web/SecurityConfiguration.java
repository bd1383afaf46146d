package io.incidenttracker.command.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.io.IOException;

/**
 * Stateless, no sessions, no CSRF (no cookies). Who may do what is in {@link AccessRules}; who the caller is, in
 * {@link AuthenticationConfiguration}. Every answer carries the usual security headers; a caller over its rate
 * gets 429.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** For answers of the API: nothing may be loaded, framed or cached. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /** The Swagger UI pages load their own scripts and styles, nothing from elsewhere. */
    static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    @Bean
    SecurityFilterChain commandSecurity(HttpSecurity http, ProblemWriter problems, Environment environment,
                                        @Value("${incidenttracker.http.rate-limit.requests-per-second}")
                                        double requestsPerSecond,
                                        @Value("${incidenttracker.http.rate-limit.burst}") int burst)
            throws Exception {
        boolean demoUsers = environment.getProperty(AuthenticationConfiguration.DEMO_USERS, Boolean.class, false);
        AuthenticationEntryPoint entryPoint = entryPoint(problems, demoUsers);
        http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(AccessRules::apply)
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler((request, response, e) -> problems.write(response,
                                Problems.of(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden",
                                        "Your role may not " + request.getMethod() + " " + request.getRequestURI()))))
                .headers(headers -> {
                    RequestMatcher docs = request -> isDocs(request);
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
                .addFilterBefore(new RateLimitFilter(requestsPerSecond, burst, problems), AuthorizationFilter.class);
        if (demoUsers) {
            http.httpBasic(basic -> basic.authenticationEntryPoint(entryPoint));
        } else {
            http.oauth2ResourceServer(resourceServer -> resourceServer
                    .authenticationEntryPoint(entryPoint)
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(
                            AuthenticationConfiguration.jwtAuthentication(environment))));
        }
        return http.build();
    }

    private static boolean isDocs(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.startsWith("/swagger-ui");
    }

    private static AuthenticationEntryPoint entryPoint(ProblemWriter problems, boolean demoUsers) {
        return (HttpServletRequest request, HttpServletResponse response, AuthenticationException e) -> {
            writeChallenge(response, demoUsers, e);
            problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED,
                    "Authentication required", demoUsers ? "Send valid credentials" : "Send a valid bearer token"));
        };
    }

    private static void writeChallenge(HttpServletResponse response, boolean demoUsers, AuthenticationException e)
            throws IOException {
        String challenge = demoUsers ? "Basic realm=\"incident-tracker\""
                : e instanceof OAuth2AuthenticationException ? "Bearer error=\"invalid_token\"" : "Bearer";
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }
}
