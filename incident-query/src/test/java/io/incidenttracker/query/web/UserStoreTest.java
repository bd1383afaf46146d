package io.incidenttracker.query.web;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.jwt.JwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may sign in, by profile: the demo users only locally, JWTs with a configured issuer and keys elsewhere. */
class UserStoreTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SecurityAutoConfiguration.class, JacksonAutoConfiguration.class,
                                                      WebMvcAutoConfiguration.class))
            .withUserConfiguration(SecurityConfiguration.class)
            .withPropertyValues("incidenttracker.http.rate-limit.requests-per-second=10",
                                "incidenttracker.http.rate-limit.burst=10");

    @Test
    void offersTheFourDemoUsersInTheLocalProfile() {
        runner.withPropertyValues("spring.profiles.active=local", "incidenttracker.security.demo-users=true")
                .run(context -> {
                    UserDetailsService users = context.getBean(UserDetailsService.class);
                    for (String name : new String[]{"responder", "viewer", "auditor", "admin"}) {
                        assertThat(users.loadUserByUsername(name).getAuthorities()).singleElement()
                                .satisfies(a -> assertThat(a.getAuthority()).isEqualTo("ROLE_" + name.toUpperCase()));
                        assertThat(users.loadUserByUsername(name).getPassword()).isEqualTo("{noop}" + name);
                    }
                    assertThat(context).doesNotHaveBean(JwtDecoder.class);
                });
    }

    @Test
    void refusesToStartWithDemoUsersOutsideTheLocalProfile() {
        runner.withPropertyValues("spring.profiles.active=production", "incidenttracker.security.demo-users=true",
                                  "incidenttracker.security.jwt.issuer=https://login.example",
                                  "incidenttracker.security.jwt.jwk-set-uri=https://login.example/jwks")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("demo users")
                            .hasMessageContaining("allowed only in the 'local' profile");
                });
    }

    @Test
    void refusesToStartInProductionWithoutTheIssuerAndItsKeys() {
        runner.withPropertyValues("spring.profiles.active=production").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("INCIDENT_JWT_ISSUER")
                    .hasMessageContaining("INCIDENT_JWT_JWK_SET_URI");
        });
        runner.withPropertyValues("spring.profiles.active=production",
                                  "incidenttracker.security.jwt.issuer=https://login.example").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageNotContaining("INCIDENT_JWT_ISSUER")
                    .hasMessageContaining("INCIDENT_JWT_JWK_SET_URI");
        });
    }

    @Test
    void startsInProductionWithAnIssuerAndAKeySetAndNoDemoUsers() {
        runner.withPropertyValues("spring.profiles.active=production",
                                  "incidenttracker.security.jwt.issuer=https://login.example",
                                  "incidenttracker.security.jwt.jwk-set-uri=https://login.example/jwks")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasSingleBean(JwtDecoder.class);
                    assertThat(context).doesNotHaveBean(UserDetailsService.class);
                });
    }
}
