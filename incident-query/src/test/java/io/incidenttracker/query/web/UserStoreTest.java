package io.incidenttracker.query.web;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.core.userdetails.UserDetailsService;

import static org.assertj.core.api.Assertions.assertThat;

class UserStoreTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class, JacksonAutoConfiguration.class,
                                                      WebMvcAutoConfiguration.class))
            .withUserConfiguration(SecurityConfiguration.class, LocalUsersConfiguration.class,
                                   ProblemSecurityHandlers.class);

    @Test
    void offersTheFourDemoUsersInTheLocalProfile() {
        runner.withPropertyValues("spring.profiles.active=local").run(context -> {
            UserDetailsService users = context.getBean(UserDetailsService.class);
            for (String name : new String[]{"responder", "viewer", "auditor", "admin"}) {
                assertThat(users.loadUserByUsername(name).getAuthorities()).singleElement()
                        .satisfies(a -> assertThat(a.getAuthority()).isEqualTo("ROLE_" + name.toUpperCase()));
            }
        });
    }

    @Test
    void refusesToStartWithoutUsersOutsideTheLocalProfile() {
        runner.withPropertyValues("spring.profiles.active=production").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("No users are configured");
        });
    }
}
