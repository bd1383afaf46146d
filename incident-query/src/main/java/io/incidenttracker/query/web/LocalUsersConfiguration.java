package io.incidenttracker.query.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The four demo users of the local profile, password = name. Stored unhashed ({@code {noop}}) to keep local
 * requests fast; never active outside the local profile.
 */
@Configuration(proxyBeanMethods = false)
@Profile("local")
public class LocalUsersConfiguration {

    @Bean
    public InMemoryUserDetailsManager localUsers() {
        return new InMemoryUserDetailsManager(
                user("responder", SecurityConfiguration.RESPONDER),
                user("viewer", SecurityConfiguration.VIEWER),
                user("auditor", SecurityConfiguration.AUDITOR),
                user("admin", SecurityConfiguration.ADMIN));
    }

    private static UserDetails user(String name, String role) {
        return User.withUsername(name).password("{noop}" + name).roles(role).build();
    }
}
