package io.incidenttracker.launcher;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.openqa.selenium.Cookie;
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
        openLive("viewer", incidentId, "Console: booking down");
        // a first change warms up the path (the stream's first event, the first re-fetches); the second is measured
        String warmUp = "warm-up-" + suffix();
        command(system, "/api/incidents/" + incidentId + "/services/" + warmUp + "/disruption",
                "{\"impact\":\"DEGRADED\",\"since\":\"" + Instant.now().minusSeconds(90) + "\"}");
        browser.waitUntil(PAGE, d -> browser.text("#board-rows tr[data-service='" + warmUp + "']")
                .contains("DEGRADED"));
        browser.script("window.notReloaded = true;");
        // the page itself notes when both show the change, so that the browser's polling adds nothing
        browser.script("window.shownAt = null;"
                + "const shown = () => ['#board-rows tr[data-service=\"' + arguments[0] + '\"]',"
                + "  '#services li[data-service=\"' + arguments[0] + '\"]'].every(css => {"
                + "    const found = document.querySelector(css);"
                + "    return found !== null && found.textContent.includes('UNAVAILABLE'); });"
                + "new MutationObserver(() => { if (window.shownAt === null && shown()) window.shownAt = Date.now(); })"
                + "  .observe(document.body, {subtree: true, childList: true, characterData: true});", service);

        command(system, "/api/incidents/" + incidentId + "/services/" + service + "/disruption",
                "{\"impact\":\"UNAVAILABLE\",\"since\":\"" + Instant.now().minusSeconds(60) + "\"}");
        long answeredAt = System.currentTimeMillis();
        browser.waitUntil(Duration.ofSeconds(10), d -> browser.script("return window.shownAt;") != null);
        long shownAt = ((Number) browser.script("return window.shownAt;")).longValue();
        System.out.printf("The console showed the change %d ms after the command's answer%n", shownAt - answeredAt);

        assertThat(Duration.ofMillis(shownAt - answeredAt))
                .as("from the command's answer to the board and the incident page showing it")
                .isLessThan(Duration.ofSeconds(1));
        assertThat(browser.script("return window.notReloaded === true;")).isEqualTo(true);
        browser.screenshot("live");
    }

    @Test
    @Order(2)
    void theTimeSliderShowsTheEarlierStateAndMarksThePast(RunningSystem system) {
        String system1 = "crm-" + suffix();
        String incidentId = openIncident(system, "Console: time travel", system1);
        int isolated = command(system, "/api/incidents/" + incidentId + "/systems/" + system1 + "/isolation",
                "{\"isolatedAt\":\"" + Instant.now().minusSeconds(30) + "\",\"reason\":\"possibly infected\"}");
        int version = command(system, "/api/incidents/" + incidentId + "/containment",
                "{\"containedAt\":\"" + Instant.now().minusSeconds(10) + "\"}");
        browser.signIn(console, "auditor");
        browser.open(console + "#incident=" + incidentId);
        // the attribute is there only once the page has drawn the incident
        browser.waitUntil(PAGE, d -> String.valueOf(version).equals(
                browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#incident-status")).isEqualTo("CONTAINED");
        assertThat(browser.displayed("#past-banner")).isFalse();

        browser.find("#slider").sendKeys(Keys.HOME);
        browser.waitUntil(PAGE, d -> "0".equals(browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#incident-status")).isEqualTo("DETECTED");
        assertThat(browser.displayed("#past-banner")).isTrue();
        assertThat(browser.text("#past-banner")).contains("Past shown").contains("after event #0");
        // the board as of that moment comes by a request of its own, after the incident's
        browser.waitUntil(PAGE, d -> browser.displayed("#board .asof-tag"));

        // right before the isolation the system was not isolated; one step later it was
        for (int step = 1; step < isolated; step++) {
            browser.find("#slider").sendKeys(Keys.ARROW_RIGHT);
        }
        browser.waitUntil(PAGE, d -> String.valueOf(isolated - 1)
                .equals(browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#systems")).doesNotContain("ISOLATED");
        assertThat(browser.text("#incident-status")).isEqualTo("DETECTED");
        browser.screenshot("past");
        browser.find("#slider").sendKeys(Keys.ARROW_RIGHT);
        browser.waitUntil(PAGE, d -> String.valueOf(isolated)
                .equals(browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#systems li[data-system='" + system1 + "']")).contains("ISOLATED");
        assertThat(browser.text("#incident-status")).isEqualTo("DETECTED");
        assertThat(browser.displayed("#past-banner")).isTrue();

        browser.find("#live-button").click();
        // the attribute is there only once the page has drawn the incident
        browser.waitUntil(PAGE, d -> String.valueOf(version).equals(
                browser.find("#incident").getAttribute("data-version")));
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
        Cookie session = browser.cookie("SESSION");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Lax");
        assertThat(sessionStatus(system, session)).isEqualTo(200);
        signOut();
        assertThat(browser.driver().getCurrentUrl()).endsWith("/console/signed-out.html");
        assertThat(sessionStatus(system, session)).as("the old session, sent again").isEqualTo(401);
        browser.open(console);
        browser.waitUntil(PAGE, d -> d.getCurrentUrl().contains("/login"));
    }

    @Test
    @Order(5)
    void afterTheQueryServiceRestartsTheConsoleResumesWithoutAMissedChange(RunningSystem system) {
        String incidentId = openIncident(system, "Console: restart", "mail-" + suffix());
        String service = "telephony-" + suffix();
        openLive("responder", incidentId, "Console: restart");
        // a change seen live first, so that the console holds a position in the stream
        int before = command(system, "/api/incidents/" + incidentId + "/severity",
                "{\"severity\":\"CRITICAL\",\"reason\":\"spreads\",\"changedAt\":\"" + Instant.now() + "\"}");
        browser.waitUntil(PAGE, d -> String.valueOf(before)
                .equals(browser.find("#incident").getAttribute("data-version")));
        browser.script("window.notReloaded = true;");

        int[] version = new int[1];
        system.restartQueryService(() -> {
            browser.waitUntil(PAGE, d -> browser.text("#connection").startsWith("reconnecting"));
            version[0] = command(system, "/api/incidents/" + incidentId + "/services/" + service + "/disruption",
                    "{\"impact\":\"DEGRADED\",\"since\":\"" + Instant.now().minusSeconds(5) + "\"}");
        });

        browser.waitUntil(Duration.ofSeconds(60), d -> browser.text("#connection").equals("live"));
        browser.waitUntil(Duration.ofSeconds(30), d -> String.valueOf(version[0]).equals(
                browser.find("#incident").getAttribute("data-version")));
        browser.waitUntil(PAGE, d -> browser.text("#board-rows tr[data-service='" + service + "']")
                .contains("DEGRADED"));
        assertThat(browser.text("#services li[data-service='" + service + "']")).contains("DEGRADED");
        assertThat(browser.script("return window.notReloaded === true;")).isEqualTo(true);
    }

    @Test
    @Order(6)
    void theDemoStoryIsWhatTheConsoleShowsAfterItIsLoaded(RunningSystem system) throws Exception {
        DemoStory story = new DemoStory(system.commandUri(), system.queryUri(),
                new PrintStream(OutputStream.nullOutputStream()));
        String incidentId = story.play("console-story-" + suffix() + "-", (step, id, version) -> {
        });
        browser.signIn(console, "auditor");
        browser.open(console + "#incident=" + incidentId);
        browser.waitUntil(PAGE, d -> browser.text("#timeline").contains("#" + (stepsOf(browser) - 1)));
        browser.waitUntil(PAGE, d -> browser.displayed("#audit") && !browser.text("#obligations").isEmpty());
        assertThat(browser.text("#incident-title")).isNotEmpty();
        assertThat(browser.text("#board-rows")).contains("appointment-booking").contains("telephony");
        browser.screenshot("story");

        // the moment the second wave took telephony down: the board showed it unavailable then
        browser.script("const slider = document.getElementById('slider');"
                + "slider.value = String(Math.floor(slider.max * 0.6));"
                + "slider.dispatchEvent(new Event('input'));");
        browser.waitUntil(PAGE, d -> browser.displayed("#past-banner"));
        String shownStep = browser.find("#slider").getAttribute("value");
        browser.waitUntil(PAGE, d -> shownStep.equals(browser.find("#incident").getAttribute("data-version")));
        assertThat(browser.text("#slider-label")).contains("after event #" + shownStep);
        assertThat(browser.text("#incident-status")).isNotEqualTo("CLOSED");
        browser.screenshot("story-past");
        browser.find("#back-to-live").click();
        browser.waitUntil(PAGE, d -> !browser.displayed("#past-banner"));
    }

    private static int stepsOf(Browser browser) {
        return Integer.parseInt(browser.find("#slider").getAttribute("max"));
    }

    /** Signs in as {@code user}, opens the incident and waits until it is shown and the stream is live. */
    @Test
    @Order(7)
    void aReportingClockInItsWarningTimeAndOneThatRanOutAreUnmistakable(RunningSystem system) {
        // personal data suspected starts the FDPIC clock (72 h); the warning comes 4 h before it is due
        String warned = openIncident(system, "Console: clock warning", "crm-" + suffix());
        assessPersonalDataSuspected(system, warned, Instant.now().minus(70, ChronoUnit.HOURS));
        String missed = openIncident(system, "Console: clock missed", "crm-" + suffix());
        assessPersonalDataSuspected(system, missed, Instant.now().minus(80, ChronoUnit.HOURS));

        openLive("viewer", warned, "Console: clock warning");
        String warning = "#obligations li.obligation.warning[data-obligation='CH-NDSG/fdpic-report']";
        browser.waitUntil(PAGE, d -> !d.findElements(org.openqa.selenium.By.cssSelector(warning)).isEmpty());
        assertThat(drawn(warning, "textContent")).contains("WARNING").contains("left");
        String warningColour = drawn(warning, "borderLeftColor");

        browser.open(console + "#incident=" + missed);
        browser.waitUntil(PAGE, d -> browser.text("#incident-title").equals("Console: clock missed"));
        String overdue = "#obligations li.obligation.missed[data-obligation='CH-NDSG/fdpic-report']";
        browser.waitUntil(PAGE, d -> !d.findElements(org.openqa.selenium.By.cssSelector(overdue)).isEmpty());
        assertThat(drawn(overdue, "textContent")).contains("MISSED").contains("overdue by");
        assertThat(drawn(overdue, "borderLeftColor")).as("a missed clock is drawn in a colour of its own")
                .isNotEqualTo(warningColour);
        browser.screenshot("clock-missed");

        // the page draws a clock from its due time; the service records the warning and the miss as events of
        // their own when the clocks' deadlines fire: both are recorded before the next test counts events
        awaitClock(system, warned, "warningRaised");
        awaitClock(system, missed, "deadlineMissed");
    }

    /**
     * The text or a computed style of the element the page shows now, read in one step: the countdowns are drawn
     * again every second, so an element found a moment ago may be gone.
     */
    private static String drawn(String css, String property) {
        return String.valueOf(browser.script("const e = document.querySelector(arguments[0]);"
                + "return arguments[1] === 'textContent' ? e.textContent : getComputedStyle(e)[arguments[1]];",
                css, property));
    }

    private static void awaitClock(RunningSystem system, String incidentId, String recorded) {
        browser.waitUntil(PAGE, d -> {
            try {
                JsonNode obligations = JSON.readTree(system.getQuery("/api/incidents/" + incidentId + "/obligations",
                                                                     "viewer").body());
                for (JsonNode obligation : obligations) {
                    if (obligation.get("clock").asText().equals("fdpic-report")) {
                        return obligation.get(recorded).asBoolean();
                    }
                }
                return false;
            } catch (JsonProcessingException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static void assessPersonalDataSuspected(RunningSystem system, String incidentId, Instant assessedAt) {
        command(system, "/api/incidents/" + incidentId + "/data-impact-assessments",
                "{\"personalData\":\"SUSPECTED\",\"dataCategories\":[\"health-data\"],\"exfiltration\":\"SUSPECTED\","
                        + "\"encryption\":\"NONE_KNOWN\",\"assessedAt\":\"" + assessedAt + "\","
                        + "\"rationale\":\"Appointment data may have been read.\"}");
    }

    private static void openLive(String user, String incidentId, String title) {
        browser.signIn(console, user);
        browser.open(console + "#incident=" + incidentId);
        browser.waitUntil(PAGE, d -> browser.text("#incident-title").equals(title));
        browser.waitUntil(PAGE, d -> browser.text("#connection").equals("live"));
    }

    private void signOut() {
        browser.find("#sign-out").click();
        browser.waitUntil(PAGE, d -> d.getCurrentUrl().endsWith("/console/signed-out.html"));
    }

    /** What the service answers to a request with this session cookie, as the browser sends it. */
    private static int sessionStatus(RunningSystem system, Cookie session) {
        return system.send(HttpRequest.newBuilder(system.queryUri().resolve("/api/session"))
                .header("Cookie", "SESSION=" + session.getValue()).GET().build()).statusCode();
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
