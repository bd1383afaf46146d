package io.incidenttracker.launcher;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.incidenttracker.launcher.support.EndToEndExtension;
import io.incidenttracker.launcher.support.RunningSystem;
import io.incidenttracker.testsupport.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.Keys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live console in a real browser (headless Chromium) against the whole running system: commands go to the
 * command service, the console follows the query service's stream. One browser for the class; each test signs in
 * as the user it needs.
 */
@ExtendWith(EndToEndExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PAGE = Duration.ofSeconds(20);

    static Browser browser;
    static String console;

    @BeforeAll
    static void startBrowser(RunningSystem system) {
        console = system.queryUri().resolve("/").toString();
        browser = Browser.start(1440, 1000);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void aCommandChangesTheBoardAndTheIncidentPageWithinASecondWithoutReload(RunningSystem system) {
        String incidentId = openIncident(system, "Console: booking down", "app-booking-" + suffix());
        String service = "booking-" + suffix();
        browser.signIn(console, "viewer");
        browser.open(console + "#incident=" + incidentId);
        browser.waitUntil(PAGE, d -> browser.text("#incident-title").equals("Console: booking down"));
        browser.waitUntil(PAGE, d -> browser.text("#connection").equals("live"));
        browser.script("window.notReloaded = true;");

        command(system, "/api/incidents/" + incidentId + "/services/" + service + "/disruption",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"" + Instant.now().minusSeconds(60) + "\"}");
        long answered = System.nanoTime();
        browser.waitUntil(Duration.ofSeconds(5), d ->
                browser.text("#board-rows tr[data-service='" + service + "']").contains("UNAVAILABLE")
                        && browser.text("#services li[data-service='" + service + "']").contains("UNAVAILABLE"));
        Duration shownAfter = Duration.ofNanos(System.nanoTime() - answered);

        assertThat(shownAfter).as("from the command's answer to the board and the incident page")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(browser.script("return window.notReloaded === true;")).isEqualTo(true);
        browser.screenshot("live");
    }

    @Test
    @Order(2)
    void theTimeSliderShowsTheEarlierStateAndMarksThePast(RunningSystem system) {
        String system1 = "crm-" + suffix();
        String incidentId = openIncident(system, "Console: time travel", system1);
        command(system, "/api/incidents/" + incidentId + "/systems/" + system1 + "/isolation",
                "{\"isolatedAt\":\"" + Instant.now().minusSeconds(30) + "\",\"reason\":\"possibly infected\"}");
        int version = command(system, "/api/incidents/" + incidentId + "/containment",
                "{\"containedAt\":\"" + Instant.now().minusSeconds(10) + "\"}");
        browser.signIn(console, "auditor");
        browser.open(console + "#incident=" + incidentId);
        browser.waitUntil(PAGE, d -> browser.find("#incident").getAttribute("data-version")
                .equals(String.valueOf(version)));
        assertThat(browser.text("#incident-status")).isEqualTo("CONTAINED");
        assertThat(browser.displayed("#past-banner")).isFalse();

        browser.find("#slider").sendKeys(Keys.HOME);

        browser.waitUntil(PAGE, d -> "0".equals(browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#incident-status")).isEqualTo("DETECTED");
        assertThat(browser.text("#systems li[data-system='" + system1 + "']")).contains("AFFECTED");
        assertThat(browser.displayed("#past-banner")).isTrue();
        assertThat(browser.text("#past-banner")).contains("Past shown").contains("after event #0");
        assertThat(browser.displayed("#board .asof-tag")).isTrue();
        browser.screenshot("past");

        browser.find("#slider").sendKeys(Keys.ARROW_RIGHT);
        browser.waitUntil(PAGE, d -> "1".equals(browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#systems li[data-system='" + system1 + "']")).contains("ISOLATED");

        browser.find("#live-button").click();
        browser.waitUntil(PAGE, d -> browser.find("#incident").getAttribute("data-version")
                .equals(String.valueOf(version)));
        assertThat(browser.displayed("#past-banner")).isFalse();
    }

    @Test
    @Order(3)
    void aViewerSeesNoAdminActionsAndNoAuditTrailWhileAnAdminSeesBoth(RunningSystem system) {
        browser.signIn(console, "viewer");
        browser.waitUntil(PAGE, d -> browser.text("#connection").equals("live"));
        browser.waitUntil(PAGE, d -> !browser.text("#incident-rows").isEmpty());
        assertThat(browser.displayed("#admin")).isFalse();
        assertThat(browser.displayed("#audit")).isFalse();
        assertThat(browser.text("body")).doesNotContain("Audit trail").doesNotContain("Administration");

        signOut();
        browser.signIn(console, "admin");
        browser.waitUntil(PAGE, d -> browser.displayed("#admin") && browser.displayed("#audit"));
        browser.waitUntil(PAGE, d -> browser.text("#audit-valid").equals("VERIFIED"));
        assertThat(browser.find("#audit-export").getAttribute("href")).contains("/api/audit/export");
        browser.screenshot("admin");
        signOut();
    }

    @Test
    @Order(4)
    void signingOutEndsTheSession(RunningSystem system) {
        browser.signIn(console, "viewer");
        assertThat(sessionStatus()).isEqualTo(200L);
        signOut();
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/signed-out.html");
        assertThat(sessionStatus()).isEqualTo(401L);
        browser.open(console);
        browser.waitUntil(PAGE, d -> d.getCurrentUrl().contains("/login"));
    }

    @Test
    @Order(5)
    void afterTheQueryServiceRestartsTheConsoleResumesWithoutAMissedChange(RunningSystem system) {
        String incidentId = openIncident(system, "Console: restart", "mail-" + suffix());
        String service = "telephony-" + suffix();
        browser.signIn(console, "responder");
        browser.open(console + "#incident=" + incidentId);
        browser.waitUntil(PAGE, d -> browser.text("#incident-title").equals("Console: restart"));
        browser.waitUntil(PAGE, d -> browser.text("#connection").equals("live"));
        browser.script("window.notReloaded = true;");

        int[] version = new int[1];
        system.restartQueryService(() -> {
            browser.waitUntil(PAGE, d -> browser.text("#connection").startsWith("reconnecting"));
            version[0] = command(system, "/api/incidents/" + incidentId + "/services/" + service + "/disruption",
                    "{\"impact\":\"DEGRADED\",\"since\":\"" + Instant.now().minusSeconds(5) + "\"}");
        });

        browser.waitUntil(Duration.ofSeconds(60), d -> browser.text("#connection").equals("live")
                && browser.find("#incident").getAttribute("data-version").equals(String.valueOf(version[0]))
                && browser.text("#board-rows tr[data-service='" + service + "']").contains("DEGRADED"));
        assertThat(browser.text("#services li[data-service='" + service + "']")).contains("DEGRADED");
        assertThat(browser.script("return window.notReloaded === true;")).isEqualTo(true);
    }

    private void signOut() {
        browser.find("#sign-out").click();
        browser.waitUntil(PAGE, d -> d.getCurrentUrl().endsWith("/console/signed-out.html"));
    }

    private long sessionStatus() {
        Object status = browser.script("return fetch('/api/session', {credentials: 'same-origin'})"
                + ".then(response => response.status);");
        return ((Number) status).longValue();
    }

    private static String openIncident(RunningSystem system, String title, String affectedSystem) {
        String incidentId = UUID.randomUUID().toString();
        HttpResponse<String> created = system.postCommand("/api/incidents", "responder", "{\"incidentId\":\""
                + incidentId + "\",\"title\":\"" + title + "\",\"attackType\":\"INTRUSION\",\"severity\":\"HIGH\","
                + "\"detectedAt\":\"" + Instant.now().minus(5, ChronoUnit.MINUTES) + "\",\"affectedSystems\":[\""
                + affectedSystem + "\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return incidentId;
    }

    private static int command(RunningSystem system, String path, String json) {
        HttpResponse<String> answer = system.postCommand(path, "responder", json);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        try {
            return JSON.readTree(answer.body()).get("version").asInt();
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
