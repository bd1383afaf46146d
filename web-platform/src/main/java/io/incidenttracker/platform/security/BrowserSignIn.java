package io.incidenttracker.platform.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.util.StringUtils;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Signing people in to the console with the organisation's OpenID Connect provider (outside the local profile): the
 * authorization code flow as a confidential client, the result kept in the server-side session. Configured by
 * {@code INCIDENT_OIDC_ISSUER_URI}, {@code INCIDENT_OIDC_CLIENT_ID} and {@code INCIDENT_OIDC_CLIENT_SECRET}; the
 * provider's endpoints come from its discovery document, fetched at the first sign-in (so a service does not fail to
 * start while the provider is briefly unreachable). The roles come from the ID token's (and user info's) claim named
 * by {@code INCIDENT_OIDC_ROLES_CLAIM} (default: the same claim as for bearer tokens, {@code roles}), the principal
 * recorded as actor from {@code INCIDENT_JWT_PRINCIPAL_CLAIM} (default {@code sub}): a person is the same actor
 * whether signed in to the console or calling with a token.
 */
@Configuration(proxyBeanMethods = false)
public class BrowserSignIn {

    public static final String REGISTRATION_ID = "oidc";
    public static final String ISSUER_URI = AuthenticationConfiguration.PREFIX + "oidc.issuer-uri";
    public static final String CLIENT_ID = AuthenticationConfiguration.PREFIX + "oidc.client-id";
    public static final String CLIENT_SECRET = AuthenticationConfiguration.PREFIX + "oidc.client-secret";
    public static final String ROLES_CLAIM = AuthenticationConfiguration.PREFIX + "oidc.roles-claim";

    @Bean
    @ConditionalOnExpression("'${" + ISSUER_URI + ":}' != ''")
    ClientRegistrationRepository browserSignInProvider(Environment environment) {
        String issuer = environment.getProperty(ISSUER_URI);
        String clientId = environment.getProperty(CLIENT_ID);
        String clientSecret = environment.getProperty(CLIENT_SECRET);
        if (!StringUtils.hasText(clientId) || !StringUtils.hasText(clientSecret)) {
            throw new IllegalStateException("Refusing to start: the console's sign-in with " + issuer
                    + " needs the client's id and secret (INCIDENT_OIDC_CLIENT_ID, INCIDENT_OIDC_CLIENT_SECRET).");
        }
        String principalClaim = environment.getProperty(AuthenticationConfiguration.PRINCIPAL_CLAIM, "sub");
        return new DiscoveredProvider(() -> ClientRegistrations.fromIssuerLocation(issuer)
                .registrationId(REGISTRATION_ID)
                .clientId(clientId)
                .clientSecret(clientSecret)
                .scope("openid", "profile")
                .userNameAttributeName(principalClaim)
                .build());
    }

    /** Loads the signed-in person as the provider states them, with the roles of the configured claim. */
    static OAuth2UserService<OidcUserRequest, OidcUser> rolesFromClaim(Environment environment) {
        String rolesClaim = environment.getProperty(ROLES_CLAIM,
                environment.getProperty(AuthenticationConfiguration.ROLES_CLAIM, "roles"));
        String principalClaim = environment.getProperty(AuthenticationConfiguration.PRINCIPAL_CLAIM, "sub");
        OidcUserService provider = new OidcUserService();
        return request -> {
            OidcUser user = provider.loadUser(request);
            Map<String, Object> claims = new HashMap<>(user.getIdToken().getClaims());
            if (user.getUserInfo() != null) {
                claims.putAll(user.getUserInfo().getClaims());
            }
            Collection<GrantedAuthority> roles = AuthenticationConfiguration.roles(claims, rolesClaim);
            return new DefaultOidcUser(roles, user.getIdToken(), user.getUserInfo(), principalClaim);
        };
    }

    /** The provider's registration, made from its discovery document on first use and kept. */
    static final class DiscoveredProvider implements ClientRegistrationRepository {

        private final Supplier<ClientRegistration> discovery;
        private volatile ClientRegistration registration;

        DiscoveredProvider(Supplier<ClientRegistration> discovery) {
            this.discovery = discovery;
        }

        @Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION_ID.equals(registrationId)) {
                return null;
            }
            ClientRegistration known = registration;
            if (known == null) {
                synchronized (this) {
                    if (registration == null) {
                        registration = discovery.get();
                    }
                    known = registration;
                }
            }
            return known;
        }
    }
}
