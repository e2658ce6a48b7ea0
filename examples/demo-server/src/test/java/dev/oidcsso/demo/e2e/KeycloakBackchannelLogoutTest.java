package dev.oidcsso.demo.e2e;

import dev.oidcsso.demo.DemoServer;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Cookie;
import dev.oidcsso.testing.Poll;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenID Connect Back-Channel Logout from a real OP: two demo replicas share one PostgreSQL; the
 * realm's demo client has replica A's {@code /backchannel-logout} as its back-channel logout URL
 * (set through Keycloak's admin REST API once A listens). A user signs in through Keycloak in
 * headless Chromium; when the user's Keycloak session ends (on Keycloak's own logout page, or by an
 * administrator in Keycloak), Keycloak POSTs a signed {@code logout_token} to A, and the demo
 * session is refused on both replicas. Each wait prints how long the logout took to show.
 */
@ExtendWith({HeadlessChromium.Required.class, KeycloakExtension.class})
class KeycloakBackchannelLogoutTest {

    /** A limit, not a pause: waits end as soon as the page is there; generous for a busy CI machine. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SESSION_COOKIE = "oidc_sso_session";

    @TempDir
    static Path folder;
    private static KeycloakServer keycloak;
    private static KeycloakAdmin admin;
    private static EmbeddedPostgres postgres;
    private static DemoServer replicaA;
    private static DemoServer replicaB;
    private static String baseA;
    private static String baseB;

    private HeadlessChromium chromium;

    @RegisterExtension
    final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> chromium);

    @BeforeAll
    static void startReplicas(KeycloakServer server) throws Exception {
        keycloak = server;
        admin = new KeycloakAdmin(keycloak);
        // PostgreSQL's start limit is 10 s by default, short on a busy CI machine.
        postgres = EmbeddedPostgres.builder().setDataDirectory(folder.resolve("pg")).setPGStartupWait(Duration.ofSeconds(120)).start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE demo");
        }
        Map<String, String> environment = new HashMap<>(keycloak.demoEnvironment());
        environment.put("OIDC_USERS_DB_URI", postgres.getJdbcUrl("postgres", "demo"));
        replicaA = DemoServer.builder().environment(environment).host("127.0.0.1").port(0).build();
        replicaB = DemoServer.builder().environment(environment).host("127.0.0.1").port(0).build();
        replicaA.start();
        replicaB.start();
        baseA = "http://127.0.0.1:" + replicaA.port();
        baseB = "http://127.0.0.1:" + replicaB.port();
        admin.backchannelLogoutUrl(KeycloakServer.DEMO_CLIENT_ID, Optional.of(URI.create(baseA + "/backchannel-logout")));
    }

    @AfterAll
    static void stopReplicas() throws IOException {
        try {
            if (admin != null) {
                // Keycloak is shared with the other test classes: leave its client as the realm file made it.
                admin.backchannelLogoutUrl(KeycloakServer.DEMO_CLIENT_ID, Optional.empty());
            }
        } finally {
            for (DemoServer replica : new DemoServer[] {replicaA, replicaB}) {
                if (replica != null) {
                    replica.stop();
                }
            }
            if (postgres != null) {
                postgres.close();
            }
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
    void signingOutOnKeycloaksPageEndsTheSessionOnBothReplicas() {
        Browser copy = signInAndCopyTheSession(baseA, KeycloakServer.PLAIN_USER);

        // Keycloak's own logout page, as the user would open it from another application of the realm.
        browser().get(keycloak.issuer() + "/protocol/openid-connect/logout");
        wait(ExpectedConditions.elementToBeClickable(By.id("kc-logout"))).click();

        awaitSignedOut(copy, "the logout on Keycloak's page");
        assertEquals("false", authStatusInChromium(baseB), "the browser itself is signed out on replica B too");
    }

    @Test
    void anAdministratorSigningTheUserOutInKeycloakEndsTheSessionOnBothReplicas() throws IOException {
        // This time the login's callback lands on B; Keycloak still tells A, the replica it knows.
        Browser copy = signInAndCopyTheSession(baseB, KeycloakServer.ADMIN_USER);

        admin.signOut(KeycloakServer.ADMIN_USER);

        awaitSignedOut(copy, "the sign-out by a Keycloak administrator");
        assertEquals("false", authStatusInChromium(baseA));
    }

    @Test
    void aTokenThatIsNoLogoutTokenIs400AndEndsNothing() throws Exception {
        Browser copy = signInAndCopyTheSession(baseA, KeycloakServer.PLAIN_USER);
        // Signed by the realm, for the demo, but an access token: no back-channel event, no sid.
        String accessToken = KeycloakTokenTest.passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.PLAIN_USER);
        for (String token : List.of(accessToken, "not.a.jwt")) {
            HttpResponse<String> refused = new Browser().post(baseA + "/backchannel-logout", Map.of("logout_token", token));
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().startsWith("{\"error\":\"invalid_request\""), refused.body());
            assertEquals(List.of("no-store"), refused.headers().allValues("Cache-Control"));
        }
        for (String base : List.of(baseA, baseB)) {
            assertTrue(authenticated(copy, base), "the session lives on at " + base);
        }
    }

    /**
     * Signs in through Keycloak in Chromium, starting at {@code base}, checks the session works on
     * both replicas, and returns a second client holding a copy of the session cookie, as a stolen
     * cookie would be held: the logout must end the session, not only the browser's cookie.
     */
    private Browser signInAndCopyTheSession(String base, String username) {
        browser().get(base + "/");
        wait(ExpectedConditions.presenceOfElementLocated(By.id("kc-form-login")));
        assertTrue(browser().getCurrentUrl().startsWith(keycloak.issuer().toString()), browser().getCurrentUrl());
        browser().findElement(By.id("username")).sendKeys(username);
        browser().findElement(By.id("password")).sendKeys(keycloak.password(username));
        browser().findElement(By.id("kc-login")).click();
        wait(ExpectedConditions.presenceOfElementLocated(By.xpath("//th[normalize-space()='User']")));
        assertTrue(browser().getCurrentUrl().startsWith(base + "/"), browser().getCurrentUrl());

        org.openqa.selenium.Cookie session = browser().manage().getCookieNamed(SESSION_COOKIE);
        assertTrue(session != null, "a session cookie");
        // Keycloak's ID token alone is over a kilobyte; the cookie carries only the sealed session id.
        assertTrue(session.getValue().length() < 400, "a small session cookie: " + session.getValue().length() + " characters");
        Browser copy = new Browser();
        copy.cookies().put(Cookie.of("127.0.0.1", SESSION_COOKIE, session.getValue()));
        for (String replica : List.of(baseA, baseB)) {
            assertTrue(authenticated(copy, replica), "the session works at " + replica);
        }
        return copy;
    }

    /** Waits until the copied session is refused on both replicas; prints how long that took. */
    private static void awaitSignedOut(Browser copy, String what) {
        long started = System.nanoTime();
        Poll.until(() -> !authenticated(copy, baseA) && !authenticated(copy, baseB), what + " reaching both replicas");
        System.out.printf("%s reached both replicas after %d ms%n", what, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static boolean authenticated(Browser browser, String base) {
        return browser.getJson(base + "/auth/status").body().contains("\"authenticated\":true");
    }

    /** The {@code authenticated} member of /auth/status as Chromium sees it, with its cookies. */
    private String authStatusInChromium(String base) {
        browser().get(base + "/auth/status");
        String text = wait(ExpectedConditions.presenceOfElementLocated(By.tagName("pre"))).getText();
        return text.replaceAll("(?s).*\"authenticated\":(true|false).*", "$1");
    }

    private <T> T wait(java.util.function.Function<WebDriver, T> condition) {
        return new WebDriverWait(browser(), WAIT).until(condition);
    }

    private WebDriver browser() {
        return chromium.driver();
    }
}
