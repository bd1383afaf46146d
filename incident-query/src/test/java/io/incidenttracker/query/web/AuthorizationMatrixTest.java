package io.incidenttracker.query.web;

import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import io.incidenttracker.testsupport.AuthorizationMatrix;
import io.incidenttracker.testsupport.Http;
import io.incidenttracker.testsupport.SecurityChains;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.web.firewall.HttpFirewall;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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

    /** The strict firewall with the web platform's header rules (HeaderFirewall), not one of its own. */
    @Test
    void theSecurityChainSeesRequestsThroughTheWebPlatformsFirewall() {
        assertThat(SecurityChains.firewall(context)).isSameAs(context.getBean(HttpFirewall.class));
    }

    /**
     * A header value with a control character (U+0085, the byte 0x85 as Tomcat reads it) is refused when the service
     * reads it: here the plain read's {@code If-None-Match}, past the security chain. Sent on a socket of its own, since
     * the JDK's client sends no such byte.
     */
    @Test
    void aHeaderValueWithAControlCharacterIsA400Problem() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            String credentials = Base64.getEncoder().encodeToString("viewer:viewer".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(("GET /api/services HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic "
                    + credentials + "\r\nIf-None-Match: a\u0085b\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400 ").contains("application/problem+json");
        }
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
