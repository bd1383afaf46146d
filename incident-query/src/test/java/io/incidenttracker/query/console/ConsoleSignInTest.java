package io.incidenttracker.query.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.oidc.OidcProvider;
import io.incidenttracker.query.QueryServiceApplication;
import io.incidenttracker.testsupport.Browser;
import io.incidenttracker.testsupport.CleanDatabaseOnStart;
import io.incidenttracker.testsupport.KafkaBrokerExtension;
import io.incidenttracker.testsupport.ServiceUnderTest;
import io.incidenttracker.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production sign-in round trip against a real OpenID Connect provider started here ({@link OidcProvider}): the
 * console sends a person without a session to the provider, comes back with a server-side session held in a
 * {@code SameSite} cookie only, shows what the person's roles may see and follows the stream on that session;
 * sign-out ends the session. Tools keep calling with bearer tokens from the same provider.
 */
@ExtendWith(KafkaBrokerExtension.class)
@SpringBootTest(
        classes = {QueryServiceApplication.class, CleanDatabaseOnStart.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "spring.config.name=" + QueryServiceApplication.CONFIG_NAME,
                "spring.profiles.active=production",
                "logging.structured.format.console=",
                "spring.datasource.hikari.maximum-pool-size=4",
                "spring.flyway.clean-disabled=false",
                "server.servlet.session.cookie.secure=false",
                "incident-query.kafka.topic-wait-timeout=20s",
                "incident-query.audit.signing.key-file=target/audit-test/checkpoint-signing-key",
                "incident-query.audit.signing.generate-if-missing=true",
                "incident-query.audit.checkpoint-file=target/audit-test/checkpoints.jsonl",
                "incident-query.webhooks.secret-key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "incidenttracker.security.oidc.client-id=" + OidcProvider.CLIENT_ID,
                "incidenttracker.security.oidc.client-secret=" + OidcProvider.CLIENT_SECRET,
        })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ConsoleSignInTest {

    static final String DATABASE_URL = TestDatabase.ensure(TestDatabase.name("incident_query_test"));
    static final Duration PAGE = Duration.ofSeconds(30);

    static OidcProvider provider;
    static Browser browser;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        ServiceUnderTest.register(registry, DATABASE_URL, KafkaBrokerExtension::bootstrapServers);
        provider = OidcProvider.start();
        registry.add("incidenttracker.security.jwt.issuer", provider::issuer);
        registry.add("incidenttracker.security.jwt.jwk-set-uri", () -> provider.issuer() + "/oauth2/jwks");
        registry.add("incidenttracker.security.oidc.issuer-uri", provider::issuer);
    }

    @BeforeEach
    void registerTheConsoleAndOpenABrowser() {
        provider.registerConsole(console() + "login/oauth2/code/oidc");
        if (browser == null) {
            browser = Browser.start(1440, 900);
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            browser = null;
            if (provider != null) {
                provider.close();
            }
        }
    }

    @Test
    void aPersonSignsInWithTheProviderAndSigningOutEndsTheSession() throws Exception {
        browser.open(console());
        browser.waitUntil(PAGE, d -> d.getCurrentUrl().startsWith(provider.issuer() + "/login"));
        browser.driver().findElement(By.id("username")).sendKeys("alice");
        browser.driver().findElement(By.id("password")).sendKeys("alice-password");
        browser.driver().findElement(By.cssSelector("button[type=submit]")).click();

        browser.waitUntil(PAGE, d -> browser.text("#who").contains("alice"));
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(console());
        assertThat(browser.text("#who")).contains("auditor");
        browser.waitUntil(PAGE, d -> browser.text("#connection").equals("live"));
        browser.waitUntil(PAGE, d -> browser.displayed("#audit"));
        assertThat(browser.displayed("#admin")).isFalse();

        Cookie session = browser.driver().manage().getCookieNamed("SESSION");
        assertThat(session).as("the session cookie").isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        assertThat(browser.driver().manage().getCookies()).as("the browser holds nothing but the session")
                .extracting(Cookie::getName).containsExactly("SESSION");
        assertThat(sessionStatus(session)).isEqualTo(200);

        browser.find("#sign-out").click();
        browser.waitUntil(PAGE, d -> d.getCurrentUrl().endsWith("/console/signed-out.html"));
        assertThat(sessionStatus(session)).as("the old session, sent again").isEqualTo(401);
    }

    @Test
    void aToolKeepsCallingWithABearerTokenFromTheSameProvider() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String credentials = Base64.getEncoder().encodeToString(
                (OidcProvider.CLIENT_ID + ":" + OidcProvider.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(provider.issuer() + "/oauth2/token"))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String accessToken = new ObjectMapper().readTree(token.body()).get("access_token").asText();

        HttpResponse<String> incidents = http.send(HttpRequest.newBuilder(URI.create(console() + "api/incidents"))
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(incidents.statusCode()).isEqualTo(200);
        assertThat(incidents.headers().firstValue("Set-Cookie")).as("a tool gets no session").isEmpty();

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(console() + "api/incidents"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    private String console() {
        return "http://localhost:" + port + "/";
    }

    /** What the service answers to a request with this session cookie, as the browser sends it. */
    private int sessionStatus(Cookie session) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(console() + "api/session"))
                .header("Cookie", "SESSION=" + session.getValue()).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
