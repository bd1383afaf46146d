package io.incidenttracker.query.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.query.support.AuthorizationMatrix;
import io.incidenttracker.query.support.QueryServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's authorization matrix of the query service, asserted for every endpoint and every caller, and the
 * check that it names every endpoint the service maps.
 */
class AuthorizationMatrixTest extends QueryServiceIntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final ObjectMapper json = new ObjectMapper();
    final AuthorizationMatrix matrix = AuthorizationMatrix.fromReadme("incident-query");

    @Test
    void theReadmeMatrixNamesEveryMappedEndpointAndNoOther() {
        Set<String> mapped = mappedEndpoints();
        assertThat(matrix.missingRows(mapped))
                .as("README.md's authorization matrix of incident-query lacks these rows (fill in ok/401/403)")
                .isEmpty();
        assertThat(matrix.staleRows(mapped))
                .as("README.md's authorization matrix of incident-query names endpoints that are not mapped")
                .isEmpty();
    }

    @Test
    void everyCallerGetsExactlyWhatTheMatrixSays() {
        List<String> wrong = new ArrayList<>();
        matrix.rows().forEach((endpoint, answers) -> answers.forEach((caller, expected) -> {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = AuthorizationMatrix.samplePath(endpoint.substring(endpoint.indexOf(' ') + 1),
                    UUID.randomUUID().toString());
            HttpResponse<String> response = send("*".equals(method) ? "GET" : method, path, caller);
            int status = response.statusCode();
            boolean asExpected = "ok".equals(expected)
                    ? status != 401 && status != 403 && status < 500
                    : status == Integer.parseInt(expected) && isProblem(response);
            if (!asExpected) {
                wrong.add(endpoint + " as " + caller + ": expected " + expected + ", got " + status);
            }
        }));
        assertThat(wrong).as("answers that break README.md's authorization matrix").isEmpty();
    }

    @Test
    void aRequestTheFirewallRejectsIsA400ProblemForAnonymousCallersToo() {
        HttpResponse<String> response = send("GET", "/api/incidents/%2e%2e/x", "anonymous");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(isProblem(response)).isTrue();
    }

    private Set<String> mappedEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values().forEach(mapping ->
                mapping.getHandlerMethods().keySet().forEach((RequestMappingInfo info) -> {
                    Set<String> methods = info.getMethodsCondition().getMethods().isEmpty() ? Set.of("*")
                            : new TreeSet<>(info.getMethodsCondition().getMethods().stream().map(Enum::name).toList());
                    for (String pattern : info.getPatternValues()) {
                        methods.forEach(method -> endpoints.add(AuthorizationMatrix.endpoint(method, pattern)));
                    }
                }));
        return endpoints;
    }

    private HttpResponse<String> send(String method, String path, String caller) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (!"anonymous".equals(caller)) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((caller + ":" + caller).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " as " + caller, e);
        }
    }

    private boolean isProblem(HttpResponse<String> response) {
        try {
            return response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                    && json.readTree(response.body()).has("status");
        } catch (Exception e) {
            return false;
        }
    }
}
