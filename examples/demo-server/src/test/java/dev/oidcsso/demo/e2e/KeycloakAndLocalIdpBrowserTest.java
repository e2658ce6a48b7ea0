package dev.oidcsso.demo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.demo.DemoServer;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.FreePort;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real OPs at once in headless Chromium: Keycloak for staff and the in-process OP for partners
 * ({@code OIDC_PROVIDERS=staff,partners}). The demo shows its chooser; each button signs in through
 * its own OP; signing out of a Keycloak session ends it at Keycloak; and with the partners' OP down,
 * Keycloak's users still sign in while readiness names the one that is down.
 */
@ExtendWith({HeadlessChromium.Required.class, KeycloakExtension.class})
class KeycloakAndLocalIdpBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final KeycloakServer keycloak;
    private TestProvider partners;
    private DemoServer demo;
    private String base;
    private HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    @TempDir
    Path dataDir;

    KeycloakAndLocalIdpBrowserTest(KeycloakServer keycloak) {
        this.keycloak = keycloak;
    }

    @BeforeEach
    void openBrowser() throws IOException {
        partners = TestProvider.builder().clientId("partner-app").user(TestUser.withGroups("pat", "mlflow")).start();
        chromium = HeadlessChromium.launch(TestOutput.directory("chromium"));
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
            chromium = null;
        }
        if (demo != null) {
            demo.stop();
        }
        partners.close();
    }

    void startDemo(String partnersDiscovery) throws IOException {
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OIDC_PROVIDERS", "staff,partners");
        env.put("OIDC_STAFF_DISCOVERY_URL", keycloak.discoveryUrl().toString());
        env.put("OIDC_STAFF_CLIENT_ID", KeycloakServer.DEMO_CLIENT_ID);
        env.put("OIDC_STAFF_CLIENT_SECRET", keycloak.clientSecret(KeycloakServer.DEMO_CLIENT_ID));
        env.put("OIDC_STAFF_DISPLAY_NAME", "Staff (Keycloak)");
        env.put("OIDC_STAFF_EMAIL_DOMAINS", "example.test");
        env.put("OIDC_PARTNERS_DISCOVERY_URL", partnersDiscovery);
        env.put("OIDC_PARTNERS_CLIENT_ID", partners.clientId());
        env.put("OIDC_PARTNERS_CLIENT_SECRET", partners.clientSecret());
        env.put("OIDC_PARTNERS_DISPLAY_NAME", "Partners");
        env.put("OIDC_HTTP_TIMEOUT", "2s");
        env.put("SECRET_KEY", Base64.getEncoder().encodeToString(key));
        env.put("OIDC_DATA_DIR", dataDir.toString());
        demo = DemoServer.builder().environment(env).host("127.0.0.1").port(0).build();
        demo.start();
        base = "http://127.0.0.1:" + demo.port();
        partners.registerRedirectUri(base + "/callback").registerPostLogoutRedirectUri(base + "/");
    }

    @Test
    void eachButtonOfTheChooserSignsInThroughItsOwnOpAndSignOutEndsTheKeycloakSession() throws IOException {
        startDemo(partners.discoveryUrl().toString());

        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.linkText("Staff (Keycloak)"))).click();
        signInOnKeycloak(KeycloakServer.PLAIN_USER);
        assertEquals(KeycloakServer.PLAIN_USER, homeRow("User"));

        browser().findElement(By.linkText("Sign out")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath("//button[normalize-space()='Sign out']"))).click();
        // Through Keycloak's end_session_endpoint and back to the demo, which shows its chooser again.
        wait(ExpectedConditions.presenceOfElementLocated(By.linkText("Partners")));
        assertFalse(authStatus().path("authenticated").asBoolean());
        // Keycloak's session ended: its button asks for the password again.
        browser().get(base + "/login?idp=staff");
        awaitKeycloakLoginForm();

        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.linkText("Partners"))).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath("//th[normalize-space()='User']")));
        assertEquals("pat", homeRow("User"));
        assertEquals(1, partners.requests("/authorize").size());
        assertEquals("pat", authStatus().path("username").asText());
    }

    @Test
    void theEmailFieldPicksKeycloakForItsDomain() throws IOException {
        startDemo(partners.discoveryUrl().toString());
        browser().get(base + "/login");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("login_hint"))).sendKeys(KeycloakServer.PLAIN_USER + "@example.test");
        browser().findElement(By.xpath("//button[normalize-space()='Continue']")).click();
        awaitKeycloakLoginForm();
        assertTrue(browser().getCurrentUrl().contains("login_hint="), browser().getCurrentUrl());
    }

    @Test
    void withThePartnersOpDownKeycloaksUsersStillSignInAndReadinessNamesIt() throws IOException {
        startDemo("http://127.0.0.1:" + FreePort.find() + "/.well-known/openid-configuration");

        HttpResponse<String> ready = new Browser().getJson(base + "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        // Counts to an anonymous probe; which IdP is down is for administrators and the log.
        assertEquals("{\"status\":\"DEGRADED\",\"identity_providers\":{\"up\":1,\"down\":1}}", ready.body());

        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.linkText("Partners"))).click();
        String unavailable = wait(ExpectedConditions.presenceOfElementLocated(By.tagName("body"))).getText();
        assertTrue(unavailable.contains("The identity provider is unavailable"), unavailable);

        browser().get(base + "/login?idp=staff");
        signInOnKeycloak(KeycloakServer.ADMIN_USER);
        assertEquals(KeycloakServer.ADMIN_USER, homeRow("User"));
        assertEquals("yes", homeRow("Administrator"));
    }

    private void signInOnKeycloak(String username) {
        awaitKeycloakLoginForm();
        browser().findElement(By.id("username")).sendKeys(username);
        browser().findElement(By.id("password")).sendKeys(keycloak.password(username));
        browser().findElement(By.id("kc-login")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath("//th[normalize-space()='User']")));
        assertTrue(browser().getCurrentUrl().startsWith(base + "/"), browser().getCurrentUrl());
    }

    private void awaitKeycloakLoginForm() {
        wait(ExpectedConditions.presenceOfElementLocated(By.id("kc-form-login")));
        assertTrue(browser().getCurrentUrl().startsWith(keycloak.issuer().toString()), browser().getCurrentUrl());
    }

    private String homeRow(String label) {
        return browser().findElement(By.xpath("//th[normalize-space()='" + label + "']/following-sibling::td")).getText().strip();
    }

    private JsonNode authStatus() throws IOException {
        browser().get(base + "/auth/status");
        String text = wait(ExpectedConditions.presenceOfElementLocated(By.tagName("pre"))).getText();
        return new ObjectMapper().readTree(text);
    }

    private <T> T wait(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser(), WAIT).until(condition);
    }

    private WebDriver browser() {
        return chromium.driver();
    }
}
