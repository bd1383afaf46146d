package io.incidenttracker.command.web;

import io.incidenttracker.command.CommandServiceIntegration;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.userdetails.UserDetailsPasswordService;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may issue commands, how logins keep the demo users' passwords, and what security is measured. */
class CommandSecurityTest extends CommandServiceIntegration {

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

    /** Logins and authorization decisions are measured; each of Spring Security's filters is not (CPU per request). */
    @Test
    void securityIsObservedPerLoginAndDecisionNotPerFilter() {
        openIncident();
        assertThat(meters.find("spring.security.authentications").meters()).isNotEmpty();
        assertThat(meters.find("spring.security.authorizations").meters()).isNotEmpty();
        assertThat(meters.find("spring.security.filterchains").meters()).isEmpty();
        assertThat(meters.find("http.server.requests").meters()).isNotEmpty();
    }
}
