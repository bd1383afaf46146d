package io.incidenttracker.query.web;

import io.incidenttracker.platform.operations.ScrapePort;
import io.incidenttracker.platform.security.BrowserSessions;
import jakarta.servlet.DispatcherType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

import static io.incidenttracker.platform.security.Roles.ADMIN;
import static io.incidenttracker.platform.security.Roles.AUDITOR;
import static io.incidenttracker.platform.security.Roles.RESPONDER;
import static io.incidenttracker.platform.security.Roles.VIEWER;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;

/**
 * Who may call what on the query service, one rule a line, first match wins; anything not named is refused.
 * docs/security.md's authorization matrix states the same for every endpoint and {@code AuthorizationMatrixTest}
 * holds this class to it.
 */
final class AccessRules {

    private AccessRules() {
    }

    static void apply(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules) {
        rules.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll(); // rule: error answers reach every caller
        rules.requestMatchers(GET, "/actuator/health", "/actuator/health/**").permitAll(); // rule
        rules.requestMatchers(GET, "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**").permitAll(); // rule
        rules.requestMatchers(GET, PublicPaths.ALL.toArray(String[]::new)).permitAll(); // rule: the public status page
        rules.requestMatchers(GET, BrowserSessions.SIGNED_OUT_PAGE, BrowserSessions.STYLE_SHEET).permitAll(); // rule: the console's signed-out page
        rules.requestMatchers(ScrapePort.PROMETHEUS).permitAll(); // rule: only on a separate management port
        rules.requestMatchers("/actuator", "/actuator/**").hasRole(ADMIN); // rule
        rules.requestMatchers(GET, "/api/audit/**").hasAnyRole(AUDITOR, ADMIN); // rule
        rules.requestMatchers(POST, "/api/audit/checkpoints").hasAnyRole(AUDITOR, ADMIN); // rule
        rules.requestMatchers("/api/admin/**").hasRole(ADMIN); // rule
        rules.requestMatchers(GET, "/api/incidents/*/stix").hasAnyRole(AUDITOR, ADMIN); // rule
        rules.requestMatchers(GET, "/api/incidents", "/api/incidents/**", "/api/services", "/api/isolated-systems", "/api/obligations", "/api/stream", "/api/session").hasAnyRole(RESPONDER, VIEWER, AUDITOR, ADMIN); // rule
        rules.requestMatchers(GET, "/", "/index.html", "/console/**").hasAnyRole(RESPONDER, VIEWER, AUDITOR, ADMIN); // rule: the live console
        rules.anyRequest().denyAll();
    }
}
