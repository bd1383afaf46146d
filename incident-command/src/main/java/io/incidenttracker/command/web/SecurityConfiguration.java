package io.incidenttracker.command.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.util.List;

/**
 * Who may do what on the command service. Responders and admins issue commands; health probes and the OpenAPI
 * document are public; the other actuator endpoints are for admins.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String[] COMMAND_ROLES = {"RESPONDER", "ADMIN"};

    @Bean
    SecurityFilterChain commandSecurity(HttpSecurity http, ProblemWriter problems) throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                        .permitAll()
                        .requestMatchers("/actuator/**").hasRole("ADMIN")
                        .requestMatchers("/api/admin/**").hasRole("ADMIN")
                        .requestMatchers(HttpMethod.POST, "/api/incidents", "/api/incidents/**")
                        .hasAnyRole(COMMAND_ROLES)
                        .requestMatchers("/error").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> {
                    response.setHeader("WWW-Authenticate", "Basic realm=\"incident-tracker\"");
                    problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED,
                            "Authentication required", "Send valid credentials"));
                }))
                .exceptionHandling(exceptions -> exceptions
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Basic realm=\"incident-tracker\"");
                            problems.write(response, Problems.of(HttpStatus.UNAUTHORIZED, Problems.UNAUTHENTICATED,
                                    "Authentication required", "Send valid credentials"));
                        })
                        .accessDeniedHandler((request, response, e) -> problems.write(response,
                                Problems.of(HttpStatus.FORBIDDEN, Problems.FORBIDDEN, "Forbidden",
                                        "Your role may not " + request.getMethod() + " " + request.getRequestURI()))))
                .build();
    }

    /**
     * The demo users of the local profile (password = name). Stored without hashing on purpose: they are public
     * knowledge, and a slow hash would dominate the cost of every request. Any other profile must bring its own
     * authentication and may not enable them.
     */
    @Bean
    UserDetailsService demoUsers(@Value("${incidenttracker.security.demo-users:false}") boolean demoUsersEnabled) {
        if (!demoUsersEnabled) {
            throw new IllegalStateException("No authentication is configured: demo users are disabled "
                    + "(incidenttracker.security.demo-users=false) and no other user source is set up. "
                    + "Run with the 'local' profile for the demo users.");
        }
        return new InMemoryUserDetailsManager(List.of(
                demoUser("responder", "RESPONDER"),
                demoUser("viewer", "VIEWER"),
                demoUser("auditor", "AUDITOR"),
                demoUser("admin", "ADMIN")));
    }

    private static org.springframework.security.core.userdetails.UserDetails demoUser(String name, String role) {
        return User.withUsername(name).password("{noop}" + name).roles(role).build();
    }
}
