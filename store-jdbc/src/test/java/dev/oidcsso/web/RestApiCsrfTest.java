package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.SettingNames;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static dev.oidcsso.web.RestApiTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cross-site request forgery: state-changing requests authenticated by the session cookie need the
 * session's token in {@code X-OIDC-SSO-CSRF} and a same-site provenance, on the REST API and on the
 * application's paths; bearer and basic requests need neither. Also the audit lines those requests
 * leave behind.
 */
class RestApiCsrfTest {

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    StoreApp app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        op.user(TestUser.withGroups("alice", "mlflow"));
        db = Database.open(StoreSettings.embedded(dataDir));
        app = StoreApp.start(op, db, Map.of(), b -> b.resourceTypes(ResourceTypes.of("experiment")));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    Browser loggedIn() {
        return StoreApps.signedIn(app.base());
    }

    HttpResponse<String> send(Browser browser, String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return browser.send(request);
    }

    String csrfToken(Browser browser) {
        JsonNode me = json(browser.get(app.base() + "/oidc/api/me"));
        assertEquals("session", me.get("auth_method").asText());
        return me.get("csrf_token").asText();
    }

    @Test
    void theTokenIsHandedOutAtLoginAndByMe() {
        Browser browser = loggedIn();
        String token = csrfToken(browser);
        assertTrue(token.length() >= 40, token);
        assertEquals(token, browser.cookies().get("oidc_sso_csrf").orElseThrow().value(),
                "the non-HttpOnly cookie carries the same token for the application's scripts");
    }

    @Test
    void apiStateChangesWithTheSessionCookieNeedTheTokenAndASameSiteOrigin() {
        Browser browser = loggedIn();
        String token = csrfToken(browser);
        HttpResponse<String> none = send(browser, "POST", "/oidc/api/me/token", null, Map.of());
        assertEquals(403, none.statusCode(), none.body());
        assertTrue(none.body().contains("X-OIDC-SSO-CSRF"), none.body());
        assertEquals(403, send(browser, "POST", "/oidc/api/me/token", null, Map.of("X-OIDC-SSO-CSRF", token + "x")).statusCode());
        assertEquals(403, send(browser, "POST", "/oidc/api/me/token", null,
                Map.of("X-OIDC-SSO-CSRF", token, "Origin", "https://evil.example")).statusCode(), "cross-site Origin");
        assertEquals(403, send(browser, "POST", "/oidc/api/me/token", null,
                Map.of("X-OIDC-SSO-CSRF", token, "Sec-Fetch-Site", "cross-site")).statusCode(), "cross-site fetch metadata");
        assertEquals(403, send(browser, "POST", "/oidc/api/me/token", null,
                Map.of("X-OIDC-SSO-CSRF", token, "Origin", "null")).statusCode(), "opaque origin");
        assertTrue(db.tokens().find("alice").isEmpty(), "no refused request created a token");

        HttpResponse<String> sameSite = send(browser, "POST", "/oidc/api/me/token", null,
                Map.of("X-OIDC-SSO-CSRF", token, "Origin", app.base(), "Sec-Fetch-Site", "same-origin"));
        assertEquals(201, sameSite.statusCode(), sameSite.body());
        assertEquals(200, browser.get(app.base() + "/oidc/api/me").statusCode(), "reads need no token");
    }

    @Test
    void theTokenIsBoundToItsSession() {
        Browser first = loggedIn();
        String token = csrfToken(first);
        Browser second = loggedIn();
        assertEquals(403, send(second, "POST", "/oidc/api/me/token", null, Map.of("X-OIDC-SSO-CSRF", token)).statusCode());
        assertEquals(201, send(second, "POST", "/oidc/api/me/token", null, Map.of("X-OIDC-SSO-CSRF", csrfToken(second))).statusCode());
    }

    @Test
    void applicationPathsAreProtectedToo() {
        Browser browser = loggedIn();
        String token = csrfToken(browser);
        assertEquals(403, send(browser, "POST", "/api/experiments", "{}", Map.of()).statusCode());
        assertEquals(403, send(browser, "DELETE", "/api/experiments/1", null, Map.of("X-OIDC-SSO-CSRF", token,
                "Origin", "https://evil.example")).statusCode());
        HttpResponse<String> allowed = send(browser, "POST", "/api/experiments", "{}", Map.of("X-OIDC-SSO-CSRF", token));
        assertEquals(200, allowed.statusCode(), allowed.body());
        assertEquals("hello alice via session at /api/experiments", allowed.body());
    }

    @Test
    void bearerAndBasicCallersNeedNoToken() {
        String bearer = "Bearer " + op.accessToken(Map.of());
        HttpResponse<String> created = send(new Browser(), "POST", "/oidc/api/me/token", null, Map.of("Authorization", bearer));
        assertEquals(201, created.statusCode(), created.body());
        String basic = Browser.basicAuthorization("alice", json(created).get("token").asText());
        assertEquals(200, send(new Browser(), "POST", "/api/experiments", "{}", Map.of("Authorization", bearer)).statusCode());
        assertEquals(200, send(new Browser(), "PUT", "/api/experiments/1", "{}", Map.of("Authorization", basic)).statusCode());
        assertEquals(201, send(new Browser(), "POST", "/oidc/api/me/token", null, Map.of("Authorization", basic)).statusCode());
    }

    @Test
    void crossSiteRequestsAreRefusedWhateverTheCredentials() {
        String bearer = "Bearer " + op.accessToken(Map.of());
        HttpResponse<String> created = send(new Browser(), "POST", "/oidc/api/me/token", null, Map.of("Authorization", bearer));
        String basic = Browser.basicAuthorization("alice", json(created).get("token").asText());
        // Basic credentials a browser cached from its prompt would ride along on a cross-site form.
        HttpResponse<String> forged = send(new Browser(), "POST", "/oidc/api/me/token", null,
                Map.of("Authorization", basic, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"));
        assertEquals(403, forged.statusCode(), forged.body());
    }

    @Test
    void browsersAreNeverAskedForBasicCredentials() {
        HttpResponse<String> fromBrowser = send(new Browser(), "GET", "/oidc/api/me", null,
                Map.of("Sec-Fetch-Mode", "navigate", "Accept", "text/html"));
        assertEquals(401, fromBrowser.statusCode());
        assertEquals(java.util.List.of("Bearer"), fromBrowser.headers().allValues("WWW-Authenticate"));
        HttpResponse<String> fromScript = send(new Browser(), "GET", "/oidc/api/me", null, Map.of("Accept", "application/json"));
        assertTrue(fromScript.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.startsWith("Basic ")));
    }

    @Test
    void anUnusableBasicUserNameIsA401NotADatabaseError() {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("a\u0000b:token".getBytes(StandardCharsets.UTF_8));
        assertEquals(401, send(new Browser(), "GET", "/oidc/api/me", null, Map.of("Authorization", basic)).statusCode());
    }

    @Test
    void forgedLogLinesCannotBeSmuggledThroughTheCallback() {
        Browser browser = new Browser();
        HttpResponse<String> toIdp = browser.get(app.base() + "/login");
        String state = Browser.isRedirect(toIdp) ? URI.create(toIdp.headers().firstValue("Location").orElseThrow()).getRawQuery()
                .replaceAll(".*(?:^|&)state=([^&]+).*", "$1") : "";
        String lines = captureStandardError(() -> browser.get(app.base() + "/callback?state=" + state + "&iss="
                + java.net.URLEncoder.encode(op.issuer(), StandardCharsets.UTF_8)
                + "&error=x&error_description=%0A%5Bmain%5D%20INFO%20dev.oidcsso.audit%20-%20login%20accepted%20user%3Dmallory"));
        assertTrue(lines.contains("login refused"), lines);
        assertFalse(lines.contains("\n[main] INFO dev.oidcsso.audit - login accepted user=mallory"), lines);
    }

    @Test
    void applicationPathsCanBeLeftToTheApplication() throws Exception {
        app.restart(Map.of(SettingNames.CSRF_APP_PATHS, "false"));
        Browser browser = loggedIn();
        assertEquals(200, send(browser, "POST", "/api/experiments", "{}", Map.of()).statusCode());
        assertEquals(403, send(browser, "POST", "/oidc/api/me/token", null, Map.of()).statusCode(), "the API stays protected");
    }

    @Test
    void auditLinesNameWhoDidWhatAndNeverTheToken() {
        String bearer = "Bearer " + op.accessToken(Map.of());
        assertEquals(200, send(new Browser(), "GET", "/oidc/api/me", null, Map.of("Authorization", bearer)).statusCode());
        String[] token = new String[1];
        String lines = captureStandardError(() -> {
            HttpResponse<String> created = send(new Browser(), "POST", "/oidc/api/me/token", null, Map.of("Authorization", bearer));
            assertEquals(201, created.statusCode());
            token[0] = json(created).get("token").asText();
        });
        assertTrue(lines.contains("dev.oidcsso.audit - token created by=alice for=alice expires=never"), lines);
        assertFalse(lines.contains(token[0]), "the audit line never carries the token");
    }

    /** slf4j-simple writes to whatever System.err is at the moment of each line. */
    static String captureStandardError(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
