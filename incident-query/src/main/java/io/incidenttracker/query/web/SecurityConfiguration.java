package io.incidenttracker.query.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic, stateless, no CSRF (no cookies, no browser session). Every status view is readable by all four roles;
 * the audit trail only by auditors and admins.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    public static final String RESPONDER = "RESPONDER";
    public static final String VIEWER = "VIEWER";
    public static final String AUDITOR = "AUDITOR";
    public static final String ADMIN = "ADMIN";

    @Bean
    public SecurityFilterChain apiSecurity(HttpSecurity http, ProblemSecurityHandlers problems,
                                           ObjectProvider<UserDetailsService> users) throws Exception {
        if (users.getIfAvailable() == null) {
            throw new IllegalStateException("No users are configured. The built-in demo users exist only in the "
                    + "'local' profile; configure a user store for any other profile.");
        }
        http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.realmName(ProblemSecurityHandlers.REALM)
                        .authenticationEntryPoint(problems.authenticationEntryPoint()))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(problems.authenticationEntryPoint())
                        .accessDeniedHandler(problems.accessDeniedHandler()))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers("/error").permitAll()
                        .requestMatchers("/api/audit/**").hasAnyRole(AUDITOR, ADMIN)
                        .requestMatchers("/api/admin/**").hasRole(ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/incidents", "/api/incidents/**", "/api/services",
                                "/api/isolated-systems", "/api/obligations")
                        .hasAnyRole(RESPONDER, VIEWER, AUDITOR, ADMIN)
                        .anyRequest().authenticated());
        return http.build();
    }
}
