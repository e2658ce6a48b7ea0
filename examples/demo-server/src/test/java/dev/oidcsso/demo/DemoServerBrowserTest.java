package dev.oidcsso.demo;

import dev.oidcsso.demo.e2e.HeadlessChromium;
import dev.oidcsso.demo.e2e.ScreenshotOnFailure;
import dev.oidcsso.demo.e2e.TestOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's first hour in headless Chromium: the home page creates an experiment, every page fits
 * a phone's screen, and the quick start's screenshots ({@code docs/quick-start.md}) are taken along
 * the way into {@code target/quick-start/}.
 */
@ExtendWith(HeadlessChromium.Required.class)
class DemoServerBrowserTest {

    /** A limit, not a pause: waits end as soon as the page is there; generous for a busy CI machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A common phone width in CSS pixels. */
    private static final int PHONE_WIDTH = 390;

    @TempDir
    static Path dataDir;
    private static DemoServer demo;
    private static String base;

    private HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    @BeforeAll
    static void startDemo() throws IOException {
        demo = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
        demo.start();
        base = "http://127.0.0.1:" + demo.port();
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
        }
    }

    @BeforeEach
    void openBrowser() throws IOException {
        chromium = HeadlessChromium.launch(TestOutput.directory("chromium"));
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
    }

    @Test
    void theHomePageCreatesAnExperimentAndShowsTheApisRefusalAsText() {
        signInAs("user");
        String name = "first-" + UUID.randomUUID().toString().substring(0, 8);

        create(name, "made in the browser");
        wait(d -> text("create-status").startsWith("Created experiment \u201c" + name + "\u201d"));
        WebElement link = browser().findElement(By.linkText(name));
        assertTrue(link.getAttribute("href").startsWith(base + "/api/experiments/"), link.getAttribute("href"));

        // The same name again: the API's 409 message, shown as text in the status line.
        create(name, "");
        wait(d -> text("create-status").contains("already exists"));
        assertTrue(browser().findElement(By.id("create-status")).getAttribute("class").contains("error"));
        assertEquals(1, browser().findElements(By.linkText(name)).size(), "nothing created twice");
    }

    @Test
    void everyPageFitsAPhoneScreen() throws IOException {
        browser().manage().window().setSize(new Dimension(PHONE_WIDTH, 844));
        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("login-outsider")));
        assertFitsTheScreen("the development IdP's sign-in page");
        browser().findElement(By.cssSelector("#login-outsider button")).click();
        wait(d -> d.getCurrentUrl().startsWith(base + "/callback") && !d.findElements(By.tagName("h1")).isEmpty());
        assertFitsTheScreen("the framework's refusal page");

        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("login-admin")));

        browser().findElement(By.cssSelector("#login-admin button")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.id("create-experiment")));
        String name = "a-rather-long-experiment-name-" + UUID.randomUUID();
        create(name, "");
        wait(d -> text("create-status").startsWith("Created experiment"));
        assertFitsTheScreen("the home page");

        browser().get(base + "/oidc/ui/");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready='true']")));
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#users-table tr[data-username='admin']")));
        click("token-generate");
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("new-token-value")));
        new Select(browser().findElement(By.id("grants-type"))).selectByValue("experiment");
        browser().findElement(By.id("grants-name")).sendKeys(name);
        click("grants-show");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#grants-table tr[data-name='admin']")));
        assertFitsTheScreen("the UI as administrator");
        js().executeScript("document.getElementById('users-heading').scrollIntoView();");
        shoot("phone-users");
    }

    @Test
    void theQuickStartInScreenshots() throws IOException {
        browser().manage().window().setSize(new Dimension(860, 760));
        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("login-user")));
        shoot("1-sign-in");

        browser().findElement(By.cssSelector("#login-user button")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.id("create-experiment")));
        create("churn-model", "the first experiment");
        wait(d -> text("create-status").startsWith("Created experiment"));
        shoot("2-home");

        browser().get(base + "/oidc/ui/");
        wait(ExpectedConditions.presenceOfElementLocated(By.cssSelector("body[data-ready='true']")));
        click("token-generate");
        wait(ExpectedConditions.visibilityOfElementLocated(By.id("new-token-value")));
        js().executeScript("document.getElementById('token-new').scrollIntoView({block: 'end'});");
        shoot("3-token");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void signInAs(String who) {
        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("login-" + who)));
        browser().findElement(By.cssSelector("#login-" + who + " button")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.id("create-experiment")));
    }

    private void create(String name, String description) {
        WebElement nameField = browser().findElement(By.id("experiment-name"));
        nameField.clear();
        nameField.sendKeys(name);
        WebElement descriptionField = browser().findElement(By.id("experiment-description"));
        descriptionField.clear();
        descriptionField.sendKeys(description);
        click("experiment-create");
    }

    /** Nothing reaches past the right edge, so the page never scrolls sideways. */
    private void assertFitsTheScreen(String page) {
        @SuppressWarnings("unchecked")
        Map<String, Object> layout = (Map<String, Object>) js().executeScript(
                "const width = window.innerWidth;"
                + "const wide = [...document.querySelectorAll('body *')].filter(e => {"
                + "  const r = e.getBoundingClientRect(); return r.width > 0 && r.right > width + 1; })"
                + "  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));"
                + "return {width: width, scrollWidth: document.documentElement.scrollWidth, wide: wide};");
        long width = ((Number) layout.get("width")).longValue();
        assertTrue(width <= PHONE_WIDTH + 10, "the window is phone-sized: " + width);
        assertEquals(List.of(), layout.get("wide"), "elements wider than the screen on " + page);
        assertTrue(((Number) layout.get("scrollWidth")).longValue() <= width, page + " scrolls sideways: " + layout);
    }

    private void shoot(String name) throws IOException {
        chromium.saveEvidence(TestOutput.directory("quick-start"), name);
    }

    private void click(String id) {
        wait(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private String text(String id) {
        try {
            return browser().findElement(By.id(id)).getText().strip();
        } catch (org.openqa.selenium.WebDriverException e) {
            // The page replaced the element between finding and reading it; Chromium reports that as an
            // inspector error rather than a stale element, so it is turned into one and the wait tries again.
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                throw new StaleElementReferenceException("replaced while read: " + id, e);
            }
            throw e;
        }
    }

    private <T> T wait(Function<WebDriver, T> condition) {
        return new WebDriverWait(browser(), WAIT).ignoring(StaleElementReferenceException.class).until(condition);
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) browser();
    }

    private WebDriver browser() {
        return chromium.driver();
    }
}
