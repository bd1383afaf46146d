package io.incidenttracker.platform.security;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authorization.event.AuthorizationDeniedEvent;
import org.springframework.security.core.Authentication;

/**
 * Logins and refusals, counted from the events Spring Security publishes anyway, instead of an observation (a timer,
 * its in-flight timer and their tags) around every authentication and every authorization decision, which were
 * about a tenth of the query service's request-thread samples in a profile of its reads (decision 0038;
 * docs/performance-log.md, "Security counted from its events").
 * <ul>
 *     <li>{@code incident.security.authentications{outcome=succeeded}}: credentials accepted (every request that
 *     carries them, a Basic login or a JWT, and a console sign-in);</li>
 *     <li>{@code incident.security.authentications{outcome=failed,reason=<exception>}}: credentials refused, by the
 *     exception's class ({@code BadCredentialsException}, {@code InvalidBearerTokenException}, ...): the failed
 *     logins an operator alerts on;</li>
 *     <li>{@code incident.security.refusals{caller=anonymous|authenticated}}: requests the access rules refused (a
 *     401 for an anonymous caller, a 403 for a known one).</li>
 * </ul>
 */
public class SecurityMeters {

    static final String AUTHENTICATIONS = "incident.security.authentications";
    static final String REFUSALS = "incident.security.refusals";

    private final MeterRegistry registry;
    private final Counter succeeded;

    public SecurityMeters(MeterRegistry registry) {
        this.registry = registry;
        this.succeeded = Counter.builder(AUTHENTICATIONS).tag("outcome", "succeeded").tag("reason", "none")
                .description("Credentials accepted").register(registry);
    }

    @EventListener
    public void authenticated(AuthenticationSuccessEvent event) {
        succeeded.increment();
    }

    @EventListener
    public void failed(AbstractAuthenticationFailureEvent event) {
        Counter.builder(AUTHENTICATIONS).tag("outcome", "failed")
                .tag("reason", event.getException().getClass().getSimpleName())
                .description("Credentials refused").register(registry).increment();
    }

    @EventListener
    public void refused(AuthorizationDeniedEvent<?> event) {
        Authentication caller = event.getAuthentication().get();
        boolean anonymous = caller == null || caller instanceof AnonymousAuthenticationToken
                || !caller.isAuthenticated();
        Counter.builder(REFUSALS).tag("caller", anonymous ? "anonymous" : "authenticated")
                .description("Requests the access rules refused").register(registry).increment();
    }
}
