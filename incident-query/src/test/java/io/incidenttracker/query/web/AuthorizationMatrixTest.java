package io.incidenttracker.query.web;

import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.AuthorizationMatrix;
import io.incidenttracker.testsupport.Http;
import io.incidenttracker.testsupport.SecurityChains;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/security.md's authorization matrix of the query service, asserted for every endpoint and every caller, and
 * the check that it names every endpoint the service maps.
 */
class AuthorizationMatrixTest extends QueryServiceIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    final AuthorizationMatrix matrix = AuthorizationMatrix.read("incident-query");

    @Test
    void theMatrixNamesEveryMappedEndpointAndNoOther() {
        Set<String> mapped = AuthorizationMatrix.mappedEndpoints(context);
        assertThat(matrix.missingRows(mapped))
                .as("docs/security.md's authorization matrix of incident-query lacks these rows (fill in ok/401/403)")
                .isEmpty();
        assertThat(matrix.staleRows(mapped))
                .as("docs/security.md's authorization matrix of incident-query names endpoints that are not mapped")
                .isEmpty();
    }

    @Test
    void everyCallerGetsExactlyWhatTheMatrixSays() {
        List<String> wrong = matrix.wrongAnswers(client());
        assertThat(wrong).as("answers that break docs/security.md's authorization matrix").isEmpty();
    }

    /**
     * The access rules above are matched by path pattern alone, and no filter ahead of the security chain looks
     * each request's handler up in Spring MVC; the path is parsed once for the matchers (PathPatternMatching).
     */
    @Test
    void theRulesMatchByPathPatternWithoutAskingSpringMvcForTheHandler() {
        assertThat(SecurityChains.notMatchedByPathAlone(context)).isEmpty();
    }

    @Test
    void aRequestTheFirewallRejectsIsA400ProblemForAnonymousCallersToo() {
        HttpResponse<String> response = client().call("GET", "/api/incidents/%2e%2e/x", "anonymous");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.isProblem(response)).isTrue();
    }

    private Http client() {
        return new Http("http://localhost:" + port);
    }
}
