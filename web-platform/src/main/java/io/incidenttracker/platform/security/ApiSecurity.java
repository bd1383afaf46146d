package io.incidenttracker.platform.security;

import io.incidenttracker.platform.problem.ProblemWriter;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The security filter chain both services share, around the access rules each service passes in: stateless, no
 * sessions, no CSRF (no cookies); HTTP Basic for the demo users or a JWT resource server (see
 * {@link AuthenticationConfiguration}); 401 and 403 as problems; the usual security headers on every answer; a rate
 * limit per caller counted after authentication. A service with a browser console splits it in two: this chain for
 * requests with credentials of their own ({@link #toolFilterChain}), {@link BrowserSessions} for the rest.
 */
public class ApiSecurity {

    /** For answers of the API: nothing may be loaded, framed or cached. */
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /** The Swagger UI pages load their own scripts and styles, nothing from elsewhere. */
    static final String DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /**
     * The console's pages: scripts, styles, images and connections (the JSON API, the event stream) from this
     * origin only; no inline script or style, nothing from another origin.
     */
    static final String CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'";

    private final ProblemWriter problems;
    private final ProblemSecurityHandlers handlers;
    private final Environment environment;
    private final double requestsPerSecond;
    private final int burst;

    public ApiSecurity(ProblemWriter problems, Environment environment, double requestsPerSecond, int burst) {
        this.problems = problems;
        this.handlers = new ProblemSecurityHandlers(problems);
        this.environment = environment;
        this.requestsPerSecond = requestsPerSecond;
        this.burst = burst;
    }

    /**
     * The service's filter chain: the shared parts around its own access rules (one matcher a rule, first match
     * wins; what they do not name they must refuse).
     */
    public SecurityFilterChain filterChain(HttpSecurity http, Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>
            .AuthorizationManagerRequestMatcherRegistry> accessRules) throws Exception {
        statelessCredentials(http, accessRules);
        return http.build();
    }

    /**
     * The chain for tools where a service also serves a browser console: only requests that carry credentials of
     * their own ({@code Authorization}: Basic or Bearer), stateless as in {@link #filterChain}. Every other request
     * goes to the {@link BrowserSessions browser chain}, ordered after this one.
     */
    public SecurityFilterChain toolFilterChain(HttpSecurity http, Customizer<AuthorizeHttpRequestsConfigurer<
            HttpSecurity>.AuthorizationManagerRequestMatcherRegistry> accessRules) throws Exception {
        http.securityMatcher(request -> request.getHeader(HttpHeaders.AUTHORIZATION) != null);
        statelessCredentials(http, accessRules);
        return http.build();
    }

    private void statelessCredentials(HttpSecurity http, Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>
            .AuthorizationManagerRequestMatcherRegistry> accessRules) throws Exception {
        AuthenticationEntryPoint entryPoint = handlers.authenticationEntryPoint(demoUsers());
        http
                .csrf(AbstractHttpConfigurer::disable)
                // no sessions, so nothing to log out of and no saved request to return to: two filters fewer on
                // every request
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        shared(http, accessRules, entryPoint);
        if (demoUsers()) {
            http.httpBasic(basic -> basic.realmName(ProblemSecurityHandlers.REALM)
                    .authenticationEntryPoint(entryPoint));
        } else {
            http.oauth2ResourceServer(resourceServer -> resourceServer
                    .authenticationEntryPoint(entryPoint)
                    .jwt(jwt -> jwt.jwtAuthenticationConverter(
                            AuthenticationConfiguration.jwtAuthentication(environment))));
        }
    }

    boolean demoUsers() {
        return environment.getProperty(AuthenticationConfiguration.DEMO_USERS, Boolean.class, false);
    }

    Environment environment() {
        return environment;
    }

    ProblemSecurityHandlers handlers() {
        return handlers;
    }

    /**
     * What every chain has: the access rules, 401 and 403 as problems, the security headers, the rate limit. A null
     * entry point leaves the chain's to its caller (which then registers them by request).
     */
    void shared(HttpSecurity http, Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>
            .AuthorizationManagerRequestMatcherRegistry> accessRules, AuthenticationEntryPoint entryPoint)
            throws Exception {
        boolean demoUsers = demoUsers();
        http
                .authorizeHttpRequests(accessRules)
                .exceptionHandling(exceptions -> {
                    exceptions.accessDeniedHandler(handlers.accessDeniedHandler());
                    if (entryPoint != null) {
                        exceptions.authenticationEntryPoint(entryPoint);
                    }
                })
                .headers(headers -> {
                    RequestMatcher docs = request -> request.getRequestURI().startsWith("/swagger-ui");
                    RequestMatcher console = BrowserSessions::isConsolePage;
                    RequestMatcher api = new NegatedRequestMatcher(new OrRequestMatcher(docs, console));
                    headers.frameOptions(frame -> frame.deny())
                            .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(api,
                                    new StaticHeadersWriter("Content-Security-Policy", API_CSP)))
                            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(docs,
                                    new StaticHeadersWriter("Content-Security-Policy", DOCS_CSP)))
                            .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(console,
                                    new StaticHeadersWriter("Content-Security-Policy", CONSOLE_CSP)));
                    if (demoUsers) {
                        headers.httpStrictTransportSecurity(hsts -> hsts.disable());
                    } else {
                        // behind TLS termination the request may look plain: send it always
                        // (browsers ignore it on http)
                        headers.httpStrictTransportSecurity(hsts -> hsts.requestMatcher(AnyRequestMatcher.INSTANCE)
                                .includeSubDomains(true).maxAgeInSeconds(31_536_000));
                    }
                })
                .addFilterBefore(new RateLimitFilter(requestsPerSecond, burst, problems), AuthorizationFilter.class);
    }
}
