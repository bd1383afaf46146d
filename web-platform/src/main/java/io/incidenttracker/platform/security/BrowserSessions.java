package io.incidenttracker.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.Set;

/**
 * The chain for browsers, where a service serves a console: every request without credentials of its own. A person
 * signs in once and the browser then holds only a session cookie ({@code HttpOnly}, {@code SameSite=Lax}), which
 * {@code EventSource} sends as well (it cannot send an {@code Authorization} header). The local profile signs the demo
 * users in with a form; every other profile with the organisation's OpenID Connect provider
 * ({@link BrowserSignIn}), when one is configured. Sign-out ({@code POST /logout}, with the CSRF token the session
 * answer gives) ends the session.
 * <p>
 * The same access rules, problems, headers and rate limit as for tools apply. A request for a console page without a
 * session is sent to the sign-in; any other request without one gets the 401 problem, as tools do.
 */
public final class BrowserSessions {

    /** Where a signed-out person lands: a public page with a link to sign in again. */
    public static final String SIGNED_OUT_PAGE = "/console/signed-out.html";
    /** The console's style sheet, public so that the signed-out page is styled too. */
    public static final String STYLE_SHEET = "/console/console.css";
    /** The form sign-in of the local profile (the page Spring Security generates, with its CSRF field). */
    public static final String LOGIN_PAGE = "/login";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private BrowserSessions() {
    }

    /** A page of the console, or its sign-in: gets the console's Content-Security-Policy. */
    public static boolean isConsolePage(HttpServletRequest request) {
        String path = request.getRequestURI();
        return "/".equals(path) || "/index.html".equals(path) || path.startsWith("/console/")
                || LOGIN_PAGE.equals(path);
    }

    /**
     * The browser chain around the service's access rules, ordered after {@link ApiSecurity#toolFilterChain}.
     * {@code oidc} is the provider's registration, or null where none is configured (then only the local profile's
     * demo users can sign in).
     */
    public static SecurityFilterChain filterChain(HttpSecurity http, ApiSecurity api,
                                                  Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>
                                                          .AuthorizationManagerRequestMatcherRegistry> accessRules,
                                                  ClientRegistrationRepository oidc) throws Exception {
        boolean demoUsers = api.demoUsers();
        AuthenticationEntryPoint problem = api.handlers().authenticationEntryPoint(demoUsers);
        String signIn = demoUsers ? LOGIN_PAGE
                : oidc != null ? "/oauth2/authorization/" + BrowserSignIn.REGISTRATION_ID : null;
        http
                // a request without a session cannot act as anybody, so only requests with one need the token; one
                // without gets the 401 problem of the access rules, as from tools
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(request -> !SAFE_METHODS.contains(request.getMethod())
                        && request.getSession(false) != null))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                // after signing in, the console; nothing else is remembered in the session
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl(SIGNED_OUT_PAGE)
                        .invalidateHttpSession(true).clearAuthentication(true));
        api.shared(http, accessRules, null);
        // registered before the sign-in's own, so these win: a console page goes to the sign-in, everything else
        // gets the 401 problem (an explicit entry point would also switch off the generated sign-in page)
        RequestMatcher consolePage = request -> "GET".equals(request.getMethod()) && isConsolePage(request)
                && !LOGIN_PAGE.equals(request.getRequestURI());
        http.exceptionHandling(exceptions -> {
            if (signIn != null) {
                exceptions.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(signIn),
                        consolePage);
            }
            exceptions.defaultAuthenticationEntryPointFor(problem, AnyRequestMatcher.INSTANCE);
        });
        if (demoUsers) {
            http.formLogin(form -> form.defaultSuccessUrl("/", true));
        } else if (oidc != null) {
            http.oauth2Login(login -> login
                    .clientRegistrationRepository(oidc)
                    .defaultSuccessUrl("/", true)
                    .userInfoEndpoint(userInfo -> userInfo.oidcUserService(
                            BrowserSignIn.rolesFromClaim(api.environment()))));
        }
        return http.build();
    }
}
