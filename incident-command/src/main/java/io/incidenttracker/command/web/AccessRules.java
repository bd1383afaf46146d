package io.incidenttracker.command.web;

import io.incidenttracker.platform.operations.ScrapePort;
import jakarta.servlet.DispatcherType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;

import static io.incidenttracker.platform.security.Roles.ADMIN;
import static io.incidenttracker.platform.security.Roles.RESPONDER;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;

/**
 * Who may call what on the command service, one rule a line, first match wins; anything not named is refused.
 * docs/security.md's authorization matrix states the same for every endpoint and {@code AuthorizationMatrixTest}
 * holds this class to it.
 */
final class AccessRules {

    private AccessRules() {
    }

    static void apply(AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry rules) {
        rules.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll(); // rule: error answers reach every caller
        rules.requestMatchers(GET, "/actuator/health", "/actuator/health/**", "/actuator/info").permitAll(); // rule
        rules.requestMatchers(GET, "/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html", "/swagger-ui/**").permitAll(); // rule
        rules.requestMatchers(ScrapePort.PROMETHEUS).permitAll(); // rule: only on a separate management port
        rules.requestMatchers("/actuator", "/actuator/**").hasRole(ADMIN); // rule
        rules.requestMatchers(POST, "/api/admin/**").hasRole(ADMIN); // rule
        rules.requestMatchers(POST, "/api/incidents", "/api/incidents/**").hasAnyRole(RESPONDER, ADMIN); // rule
        rules.anyRequest().denyAll();
    }
}
