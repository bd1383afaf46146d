package io.incidenttracker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser for the console's tests: Debian's Chromium, headless, driven by its chromedriver through Selenium,
 * with a fresh profile that is deleted on close. Missing Chromium is a failure, never a skip: {@code bin/test} installs
 * {@code chromium} and {@code chromium-driver} when they are missing.
 * <p>
 * Screenshots go to {@code target/console-screenshots}, or to the directory the system property
 * {@code console.screenshots} names (docs/console.md: how the documentation's images are made).
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));
    /** The flags that keep Chromium from reaching the network on its own (updates, sync, QUIC probes). */
    public static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--lang=en-GB");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium with a window of the given size (a laptop: 1440x900; a wall screen: 1920x1080). */
    public static Browser start(int width, int height) {
        requireInstalled(CHROMIUM, "chromium");
        requireInstalled(CHROMEDRIVER, "chromium-driver");
        Path profile;
        try {
            profile = Files.createTempDirectory("console-browser-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options), profile);
    }

    private static void requireInstalled(Path executable, String debianPackage) {
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is missing: the console's browser tests need Debian's "
                    + "Chromium (apt-get install -y chromium chromium-driver; bin/test does it when it can)");
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /**
     * Signs in with the local profile's form (after dropping any session of an earlier test) and waits for the
     * console to show who is signed in. {@code consoleUrl} ends with a slash.
     */
    public void signIn(String consoleUrl, String user) {
        driver.get(consoleUrl + "console/signed-out.html");
        driver.manage().deleteAllCookies();
        driver.get(consoleUrl);
        waitUntil(Duration.ofSeconds(20), d -> d.getCurrentUrl().contains("/login"));
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(user);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil(Duration.ofSeconds(20), d -> text("#who").contains(user));
    }

    /** The browser's cookie of that name for the current page's site, or null. */
    public Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The visible text of the first element matching, or "" when there is none. */
    public String text(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    public boolean displayed(String css) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** Waits (polling every 20 ms) until the condition holds; fails with the page's state when it does not. */
    public <T> T waitUntil(Duration timeout, Function<WebDriver, T> condition) {
        // the console re-renders its lists as changes arrive: an element found just before its list was redrawn is
        // stale when read, and the condition is asked again (as for an element not there yet)
        return new WebDriverWait(driver, timeout, Duration.ofMillis(20))
                .ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** Saves a screenshot of the whole page as {@code console-<name>.png}; answers where. */
    public Path screenshot(String name) {
        Path directory = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));
        try {
            Files.createDirectories(directory);
            Path target = directory.resolve("console-" + name + ".png");
            // the whole page, not only the window: the window grows to the page's height for the picture
            Dimension window = driver.manage().window().getSize();
            long height = ((Number) script("return document.documentElement.scrollHeight;")).longValue();
            driver.manage().window().setSize(new Dimension(window.getWidth(),
                    (int) Math.max(window.getHeight(), Math.min(height + 140, 4000))));
            try {
                Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                driver.manage().window().setSize(window);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> paths = Files.walk(profile)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary profile is harmless
            }
        }
    }
}
