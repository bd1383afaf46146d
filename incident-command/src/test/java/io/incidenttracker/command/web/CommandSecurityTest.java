package io.incidenttracker.command.web;

import io.incidenttracker.command.CommandServiceIntegration;
import io.incidenttracker.command.support.Counted;
import io.incidenttracker.platform.security.RateLimitFilter;
import io.incidenttracker.testsupport.SecurityChains;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.savedrequest.RequestCacheAwareFilter;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may issue commands, how logins keep the demo users' passwords, and what security is measured. */
class CommandSecurityTest extends CommandServiceIntegration {

    @Autowired
    private ApplicationContext context;

    @Test
    void onlyResponderAndAdminMayIssueCommands() throws Exception {
        String body = "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\","
                + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}";
        HttpResponse<String> anonymous = http().post("/api/incidents", null, body);
        assertProblem(anonymous, 401, "urn:problem:incident-tracker:unauthenticated");
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).isPresent();
        assertProblem(http().post("/api/incidents", "intruder", body), 401,
                "urn:problem:incident-tracker:unauthenticated");
        assertProblem(http().post("/api/incidents", "viewer", body), 403, "urn:problem:incident-tracker:forbidden");
        assertProblem(http().post("/api/incidents", "auditor", body), 403, "urn:problem:incident-tracker:forbidden");
        assertThat(http().post("/api/incidents", "admin", body).statusCode()).isEqualTo(201);
    }

    @Test
    void demoUsersKeepTheirUnhashedPasswordsAfterLoggingIn() throws Exception {
        openIncident();
        // were the store a UserDetailsPasswordService, the login would have re-hashed the password with bcrypt
        assertThat(users).isNotInstanceOf(UserDetailsPasswordService.class);
        assertThat(users.loadUserByUsername("responder").getPassword()).isEqualTo("{noop}responder");
    }

    /**
     * Logins and refusals are counted from Spring Security's events; nothing of the chain is observed per request,
     * and no observation keeps an in-flight timer (CPU per request).
     */
    @Test
    void loginsAndRefusalsAreCountedAndNothingOfTheChainIsObservedPerRequest() throws Exception {
        String body = "{\"title\":\"x\",\"attackType\":\"MALWARE\",\"severity\":\"LOW\","
                + "\"detectedAt\":\"2023-08-30T06:15:00Z\"}";
        double succeeded = count("incident.security.authentications", "outcome", "succeeded");
        double failed = count("incident.security.authentications", "reason", "BadCredentialsException");
        double anonymous = count("incident.security.refusals", "caller", "anonymous");
        double known = count("incident.security.refusals", "caller", "authenticated");

        openIncident();
        http().post("/api/incidents", "intruder", body);
        http().post("/api/incidents", null, body);
        http().post("/api/incidents", "viewer", body);

        assertThat(count("incident.security.authentications", "outcome", "succeeded")).isEqualTo(succeeded + 2);
        assertThat(count("incident.security.authentications", "reason", "BadCredentialsException"))
                .isEqualTo(failed + 1);
        assertThat(count("incident.security.refusals", "caller", "anonymous")).isEqualTo(anonymous + 1);
        assertThat(count("incident.security.refusals", "caller", "authenticated")).isEqualTo(known + 1);
        assertThat(meters.find("spring.security.authentications").meters()).isEmpty();
        assertThat(meters.find("spring.security.authorizations").meters()).isEmpty();
        assertThat(meters.find("spring.security.filterchains").meters()).isEmpty();
        assertThat(meters.find("http.server.requests").meters()).isNotEmpty();
        assertThat(meters.find("http.server.requests.active").meters()).isEmpty();
    }

    private double count(String name, String tag, String value) {
        return Counted.sum(meters, name, tag, value);
    }

    /** The filters a stateless API does not need are not on the chain, and no filter is wrapped in an observation. */
    @Test
    void theSecurityChainRunsNoLogoutNoSavedRequestAndNoObservationPerFilter() {
        FilterChainProxy securityChain = SecurityChains.securityChain(context);
        List<Class<?>> filters = securityChain.getFilters("/api/incidents").stream()
                .<Class<?>>map(Object::getClass).toList();
        assertThat(filters).contains(BasicAuthenticationFilter.class, AuthorizationFilter.class,
                RateLimitFilter.class);
        assertThat(filters).doesNotContain(LogoutFilter.class, RequestCacheAwareFilter.class);
        assertThat(ReflectionTestUtils.getField(securityChain, "filterChainDecorator"))
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
    }

    @Test
    void aLogoutRequestIsAnUnknownEndpointNotALogout() throws Exception {
        HttpResponse<String> logout = http().post("/logout", "responder", "{}");
        assertProblem(logout, 403, "urn:problem:incident-tracker:forbidden");
        assertThat(logout.headers().firstValue("Location")).isEmpty();
    }
}
