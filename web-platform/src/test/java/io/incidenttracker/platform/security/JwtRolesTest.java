package io.incidenttracker.platform.security;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Roles read from a token's claims: a list or a space-separated string, at a dotted path, case-insensitive. */
class JwtRolesTest {

    @Test
    void readsAListAtADottedPathAsUpperCaseRoles() {
        Map<String, Object> claims = Map.of("realm_access", Map.of("roles", List.of("responder", "Admin")));
        assertThat(names(AuthenticationConfiguration.roles(claims, "realm_access.roles")))
                .containsExactly("ROLE_RESPONDER", "ROLE_ADMIN");
    }

    @Test
    void readsASpaceSeparatedString() {
        assertThat(names(AuthenticationConfiguration.roles(Map.of("roles", " viewer  auditor "), "roles")))
                .containsExactly("ROLE_VIEWER", "ROLE_AUDITOR");
    }

    @Test
    void aMissingOrOddClaimGivesNoRole() {
        assertThat(AuthenticationConfiguration.roles(Map.of(), "realm_access.roles")).isEmpty();
        assertThat(AuthenticationConfiguration.roles(Map.of("roles", 7), "roles")).isEmpty();
    }

    private static List<String> names(Collection<GrantedAuthority> authorities) {
        return authorities.stream().map(GrantedAuthority::getAuthority).toList();
    }
}
