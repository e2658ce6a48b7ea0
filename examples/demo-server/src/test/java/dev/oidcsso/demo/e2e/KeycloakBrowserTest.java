package dev.oidcsso.demo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.demo.DemoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo server signs browsers in through a real Keycloak: headless Chromium opens the demo,
 * lands on Keycloak's own login page, types a test user's password, and sees what that user may
 * see. Keycloak starts once per test run ({@link KeycloakExtension}); the demo server once for this
 * class; the browser fresh for every test.
 */
@ExtendWith({HeadlessChromium.Required.class, KeycloakExtension.class})
class KeycloakBrowserTest {

    /** A limit, not a pause: waits end as soon as the page is there; generous for a busy CI machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KeycloakServer keycloak;
    private static DemoServer demo;
    private static String base;

    private HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    /** The demo's database lives here, never in the work tree. */
    @TempDir
    static Path dataDir;

    @BeforeAll
    static void startDemo(KeycloakServer server) throws IOException {
        keycloak = server;
        demo = keycloak.startDemo(dataDir);
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
    void theAdminSignsInOnKeycloaksPageAndIsAnAdministrator() throws IOException {
        signIn(KeycloakServer.ADMIN_USER);

        assertEquals(KeycloakServer.ADMIN_USER, homeRow("User"));
        assertEquals("mlflow-admin", homeRow("Groups"));
        assertEquals("yes", homeRow("Administrator"));
        assertEquals("session", homeRow("Signed in with"));

        JsonNode status = authStatus();
        assertTrue(status.path("authenticated").asBoolean(), status.toString());
        assertEquals(KeycloakServer.ADMIN_USER, status.path("username").asText());
        assertEquals(List.of("mlflow-admin"), strings(status.path("groups")));
        assertTrue(status.path("admin").asBoolean(), status.toString());
        assertEquals("session", status.path("auth_method").asText());
    }

    @Test
    void aPlainUserSignsInAndIsNotAnAdministrator() throws IOException {
        signIn(KeycloakServer.PLAIN_USER);

        assertEquals(KeycloakServer.PLAIN_USER, homeRow("User"));
        assertEquals("mlflow", homeRow("Groups"));
        assertEquals("no", homeRow("Administrator"));

        JsonNode status = authStatus();
        assertTrue(status.path("authenticated").asBoolean(), status.toString());
        assertEquals(KeycloakServer.PLAIN_USER, status.path("username").asText());
        assertEquals(List.of("mlflow"), strings(status.path("groups")));
        assertFalse(status.path("admin").asBoolean(), status.toString());
    }

    @Test
    void aUserInNeitherGroupIsRefusedAndGetsNoSession() throws IOException {
        typeCredentialsOnKeycloak(KeycloakServer.OUTSIDER);
        // Keycloak accepted the password; the demo's callback refuses the account (403).
        wait(browser -> browser.getCurrentUrl().startsWith(base + "/callback"));
        String heading = browser().findElement(By.tagName("h1")).getText();
        assertTrue(heading.contains("Access denied"), heading);
        String refusal = browser().findElement(By.tagName("body")).getText();
        assertTrue(refusal.contains(KeycloakServer.OUTSIDER), refusal);
        assertTrue(browser().findElements(By.xpath("//th[normalize-space()='Administrator']")).isEmpty(), "no home page for the outsider");

        assertFalse(authStatus().path("authenticated").asBoolean(), "the refused login made no session");
    }

    @Test
    void logoutEndsTheKeycloakSessionSoTheNextVisitAsksForThePasswordAgain() throws IOException {
        signIn(KeycloakServer.PLAIN_USER);
        assertEquals(KeycloakServer.PLAIN_USER, homeRow("User"));

        browser().findElement(By.linkText("Sign out")).click();
        // GET /logout shows a page; its button POSTs the session's CSRF token.
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath("//button[normalize-space()='Sign out']"))).click();
        // /logout → Keycloak's end_session_endpoint (id_token_hint, no confirmation page) → the demo's
        // home → /login → Keycloak, which must now ask for a password instead of signing in again.
        awaitKeycloakLoginForm();
        assertFalse(authStatus().path("authenticated").asBoolean(), "the demo session ended");

        browser().get(base + "/");
        awaitKeycloakLoginForm();
        assertTrue(browser().getCurrentUrl().startsWith(keycloak.issuer() + "/protocol/openid-connect/auth"),
                "a fresh visit is sent to Keycloak and stays on its login form");
        assertTrue(browser().findElements(By.xpath("//th[normalize-space()='User']")).isEmpty(), "no automatic sign-in");
    }

    /** Opens the demo, signs in on Keycloak's page and waits for the demo's home page. */
    private void signIn(String username) {
        typeCredentialsOnKeycloak(username);
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath("//th[normalize-space()='User']")));
        assertTrue(browser().getCurrentUrl().startsWith(base + "/"), browser().getCurrentUrl());
    }

    private void typeCredentialsOnKeycloak(String username) {
        browser().get(base + "/");
        awaitKeycloakLoginForm();
        browser().findElement(By.id("username")).sendKeys(username);
        browser().findElement(By.id("password")).sendKeys(keycloak.password(username));
        browser().findElement(By.id("kc-login")).click();
    }

    /** Waits for Keycloak's own login form (not the demo's, not a development IdP's). */
    private void awaitKeycloakLoginForm() {
        wait(ExpectedConditions.presenceOfElementLocated(By.id("kc-form-login")));
        String url = browser().getCurrentUrl();
        assertTrue(url.startsWith(keycloak.issuer().toString()), "the login page is served by Keycloak: " + url);
    }

    private String homeRow(String label) {
        WebElement cell = browser().findElement(By.xpath("//th[normalize-space()='" + label + "']/following-sibling::td"));
        return cell.getText().strip();
    }

    /** Reads /auth/status as the browser sees it, with its cookies. */
    private JsonNode authStatus() throws IOException {
        browser().get(base + "/auth/status");
        // Chromium shows a JSON response inside a <pre> (its JSON viewer adds controls beside it).
        String text = wait(ExpectedConditions.presenceOfElementLocated(By.tagName("pre"))).getText();
        return new ObjectMapper().readTree(text);
    }

    private <T> T wait(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser(), WAIT).until(condition);
    }

    private WebDriver browser() {
        return chromium.driver();
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
