package io.incidenttracker.platform.security;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.util.StringUtils;

import java.io.IOException;
import java.io.InputStream;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who the caller is, the same in both services. The local profile has the four demo users over HTTP Basic; every
 * other profile is an OAuth2 resource server taking JWTs from the configured issuer, checked against its key set,
 * with the roles from a configurable claim. Start-up refuses demo users outside the local profile and a production
 * start without the issuer and key configuration.
 */
@Configuration(proxyBeanMethods = false)
public class AuthenticationConfiguration {

    public static final String PREFIX = "incidenttracker.security.";
    public static final String DEMO_USERS = PREFIX + "demo-users";
    public static final String ISSUER = PREFIX + "jwt.issuer";
    public static final String JWK_SET_URI = PREFIX + "jwt.jwk-set-uri";
    public static final String PUBLIC_KEY_LOCATION = PREFIX + "jwt.public-key-location";
    public static final String AUDIENCE = PREFIX + "jwt.audience";
    public static final String ROLES_CLAIM = PREFIX + "jwt.roles-claim";
    public static final String PRINCIPAL_CLAIM = PREFIX + "jwt.principal-claim";

    /** Runs before any other bean is made, so a refused configuration fails fast and touches nothing. */
    @Bean
    static BeanFactoryPostProcessor authenticationStartupCheck(Environment environment) {
        check(environment);
        return beanFactory -> {
        };
    }

    static void check(Environment environment) {
        boolean local = environment.acceptsProfiles(Profiles.of("local"));
        boolean demoUsers = environment.getProperty(DEMO_USERS, Boolean.class, false);
        if (demoUsers && !local) {
            throw new IllegalStateException("Refusing to start: the demo users (" + DEMO_USERS + "=true) are "
                    + "allowed only in the 'local' profile. Production authenticates JWTs: set "
                    + "INCIDENT_JWT_ISSUER and INCIDENT_JWT_JWK_SET_URI (or INCIDENT_JWT_PUBLIC_KEY_LOCATION).");
        }
        if (!demoUsers) {
            boolean issuer = StringUtils.hasText(environment.getProperty(ISSUER));
            boolean keys = StringUtils.hasText(environment.getProperty(JWK_SET_URI))
                    || StringUtils.hasText(environment.getProperty(PUBLIC_KEY_LOCATION));
            if (!issuer || !keys) {
                throw new IllegalStateException("Refusing to start: JWT authentication needs "
                        + (issuer ? "" : "the token issuer (INCIDENT_JWT_ISSUER, " + ISSUER + ")")
                        + (!issuer && !keys ? " and " : "")
                        + (keys ? "" : "the issuer's key set (INCIDENT_JWT_JWK_SET_URI, " + JWK_SET_URI
                        + ", or a PEM public key in INCIDENT_JWT_PUBLIC_KEY_LOCATION, " + PUBLIC_KEY_LOCATION + ")")
                        + ". Only the 'local' profile runs with demo users.");
            }
        }
    }

    /**
     * The demo users (password = name). Stored without hashing on purpose: they are public knowledge, and a slow
     * hash would dominate the cost of every request. Only the lookup is exposed: were the store also a
     * {@code UserDetailsPasswordService}, Spring Security would "upgrade" each password to bcrypt at its first login,
     * and every later request would pay for a bcrypt check (about 70 ms of CPU here).
     */
    @Bean
    @ConditionalOnProperty(name = DEMO_USERS, havingValue = "true")
    UserDetailsService demoUsers() {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(List.of(
                demoUser("responder", Roles.RESPONDER),
                demoUser("viewer", Roles.VIEWER),
                demoUser("auditor", Roles.AUDITOR),
                demoUser("admin", Roles.ADMIN)));
        return users::loadUserByUsername;
    }

    private static UserDetails demoUser(String name, String role) {
        return User.withUsername(name).password("{noop}" + name).roles(role).build();
    }

    /** Tokens signed by the issuer's keys, from that issuer, unexpired, and for this audience when one is set. */
    @Bean
    @ConditionalOnProperty(name = DEMO_USERS, havingValue = "false", matchIfMissing = true)
    JwtDecoder jwtDecoder(Environment environment) throws IOException {
        String jwkSetUri = environment.getProperty(JWK_SET_URI);
        NimbusJwtDecoder decoder;
        if (StringUtils.hasText(jwkSetUri)) {
            decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
        } else {
            String location = environment.getRequiredProperty(PUBLIC_KEY_LOCATION);
            try (InputStream pem = new DefaultResourceLoader().getResource(location).getInputStream()) {
                RSAPublicKey key = RsaKeyConverters.x509().convert(pem);
                decoder = NimbusJwtDecoder.withPublicKey(key).build();
            }
        }
        OAuth2TokenValidator<Jwt> validator = JwtValidators.createDefaultWithIssuer(
                environment.getRequiredProperty(ISSUER));
        String audience = environment.getProperty(AUDIENCE);
        if (StringUtils.hasText(audience)) {
            validator = new DelegatingOAuth2TokenValidator<>(validator, new JwtClaimValidator<List<String>>(
                    "aud", aud -> aud != null && aud.contains(audience)));
        }
        decoder.setJwtValidator(validator);
        return decoder;
    }

    /** The principal from the configured claim (default {@code sub}), the roles from the roles claim. */
    static Converter<Jwt, AbstractAuthenticationToken> jwtAuthentication(Environment environment) {
        String rolesClaim = environment.getProperty(ROLES_CLAIM, "roles");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setPrincipalClaimName(environment.getProperty(PRINCIPAL_CLAIM, "sub"));
        converter.setJwtGrantedAuthoritiesConverter(jwt -> roles(jwt.getClaims(), rolesClaim));
        return converter;
    }

    /**
     * The roles in a claim, a dotted path such as {@code realm_access.roles} reaching into nested objects; a list
     * of names or one space-separated string. Each becomes {@code ROLE_<NAME>}.
     */
    static Collection<GrantedAuthority> roles(Map<String, Object> claims, String claimPath) {
        Object value = claims;
        for (String part : claimPath.split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
        List<String> names = value instanceof Collection<?> list ? list.stream().map(String::valueOf).toList()
                : value instanceof String text ? Arrays.asList(text.trim().split("\\s+"))
                : List.of();
        return names.stream().filter(StringUtils::hasText)
                .map(name -> (GrantedAuthority) new SimpleGrantedAuthority(
                        "ROLE_" + name.toUpperCase(Locale.ROOT)))
                .toList();
    }
}
