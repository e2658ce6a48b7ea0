package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Cookie;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole browser login through the JDK HttpServer adapter against a real in-process OpenID provider. */
class JdkServerLoginTest {

    static final String KEY = "0123456789abcdef0123456789abcdef-test-only";

    MockOAuth2Server idp;
    OidcSso sso;
    HttpServer app;
    final Browser browser = Browser.forPages();

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        sso = OidcSso.create(settings(KEY));
        app = DemoApps.jdkApp(sso);
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        idp.shutdown();
    }

    OidcSettings settings(String key) {
        return OidcSettings.builder()
                .discoveryUrl(idp.wellKnownUrl("default").toString())
                .client("demo-client", "demo-secret")
                .secretKey(key)
                .build();
    }

    void nextLoginAs(String subject, Map<String, Object> claims) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of("demo-client"), claims, 3600));
    }

    @Test
    void adminLogsInAndSeesTheProtectedPage() {
        nextLoginAs("alice", Map.of("preferred_username", "alice", "groups", List.of("mlflow-admin")));
        HttpResponse<String> page = browser.navigate(DemoApps.baseUrl(app) + "/experiments?id=1").last();
        assertEquals(200, page.statusCode());
        assertEquals("hello alice (admin) via session at /experiments", page.body());
        Cookie cookie = browser.cookies().get(SessionManager.COOKIE).orElseThrow();
        assertTrue(cookie.httpOnly());
        String status = browser.getJson(DemoApps.baseUrl(app) + "/auth/status").body();
        assertEquals("{\"authenticated\":true,\"username\":\"alice\",\"groups\":[\"mlflow-admin\"],\"admin\":true,\"auth_method\":\"session\"}", status);
    }

    @Test
    void userOfThePlainGroupIsNotAdmin() {
        nextLoginAs("bob", Map.of("preferred_username", "bob", "groups", List.of("mlflow", "other")));
        assertEquals("hello bob via session at /", browser.navigate(DemoApps.baseUrl(app) + "/").last().body());
    }

    @Test
    void userInHundredsOfGroupsKeepsASession() {
        List<String> groups = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, 300)
                .mapToObj(i -> java.util.UUID.nameUUIDFromBytes(new byte[]{(byte) i, (byte) (i >> 8)}).toString()).toList());
        groups.add("mlflow");
        nextLoginAs("gina", Map.of("preferred_username", "gina", "groups", groups));
        assertEquals("hello gina via session at /", browser.navigate(DemoApps.baseUrl(app) + "/").last().body());
        String status = browser.getJson(DemoApps.baseUrl(app) + "/auth/status").body();
        assertTrue(status.contains(groups.get(299)), "the server kept the groups that did not fit into the cookie");
        assertTrue(browser.cookies().get(SessionManager.COOKIE).orElseThrow().value().length() < 4000);
    }

    @Test
    void aUserNameWithALineBreakIsRefused() {
        nextLoginAs("mallory", Map.of("preferred_username", "mallory\n[main] INFO forged", "groups", List.of("mlflow-admin")));
        HttpResponse<String> page = browser.navigate(DemoApps.baseUrl(app) + "/").last();
        assertEquals(403, page.statusCode());
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isEmpty());
    }

    @Test
    void userInNoGroupIsRefusedWithoutSession() {
        nextLoginAs("eve", Map.of("preferred_username", "eve", "groups", List.of("sales")));
        HttpResponse<String> page = browser.navigate(DemoApps.baseUrl(app) + "/").last();
        assertEquals(403, page.statusCode());
        assertTrue(page.body().contains("not in a group"), page.body());
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isEmpty());
    }

    @Test
    void unauthenticatedApiCallGets401NotARedirect() {
        HttpResponse<String> response = browser.getJson(DemoApps.baseUrl(app) + "/api/experiments");
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().allValues("WWW-Authenticate").contains("Bearer"));
    }

    @Test
    void nextGoesOnlyToASameSitePath() {
        nextLoginAs("alice", Map.of("preferred_username", "alice", "groups", List.of("mlflow")));
        List<HttpResponse<String>> chain = browser.navigate(DemoApps.baseUrl(app) + "/login?next=//evil.example/x").chain();
        HttpResponse<String> callback = chain.stream().filter(r -> r.uri().getPath().equals("/callback")).findFirst().orElseThrow();
        assertEquals("/", callback.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void logoutEndsTheSessionOnTheServerAndAtTheIdp() {
        nextLoginAs("alice", Map.of("preferred_username", "alice", "groups", List.of("mlflow")));
        browser.navigate(DemoApps.baseUrl(app) + "/");
        Cookie session = browser.cookies().get(SessionManager.COOKIE).orElseThrow();

        HttpResponse<String> asked = browser.get(DemoApps.baseUrl(app) + "/logout");
        assertEquals(200, asked.statusCode(), "a GET only asks");
        assertTrue(asked.body().contains("Sign out"), asked.body());
        assertEquals("{\"authenticated\":true", browser.getJson(DemoApps.baseUrl(app) + "/auth/status").body().substring(0, 21));

        HttpResponse<String> logout = browser.signOut(DemoApps.baseUrl(app));
        assertEquals(302, logout.statusCode());
        URI idpLogout = URI.create(logout.headers().firstValue("Location").orElseThrow());
        assertTrue(idpLogout.toString().startsWith(idp.endSessionEndpointUrl("default").toString()), idpLogout.toString());
        assertTrue(idpLogout.getQuery().contains("id_token_hint="));
        assertTrue(idpLogout.getQuery().contains("client_id=demo-client"));
        assertTrue(idpLogout.getQuery().contains("post_logout_redirect_uri=" + DemoApps.baseUrl(app) + "/"));

        Browser replay = Browser.forPages();
        replay.cookies().put(session);
        HttpResponse<String> replayed = replay.getJson(DemoApps.baseUrl(app) + "/auth/status");
        assertTrue(replayed.body().contains("\"authenticated\":false"), replayed.body());
    }

    @Test
    void sessionSurvivesARestartWithTheSameKeyOnly() throws Exception {
        // Sessions live in the session store (the user database in production): a restarted instance
        // with the same store and SECRET_KEY accepts the cookie, one with another key does not.
        dev.oidcsso.session.SessionStore shared = new dev.oidcsso.session.InMemorySessionStore(java.time.Clock.systemUTC());
        app.stop(0);
        sso.close();
        sso = OidcSso.builder(settings(KEY)).sessionStore(shared).build();
        app = DemoApps.jdkApp(sso);
        nextLoginAs("alice", Map.of("preferred_username", "alice", "groups", List.of("mlflow")));
        browser.navigate(DemoApps.baseUrl(app) + "/");
        Cookie session = browser.cookies().get(SessionManager.COOKIE).orElseThrow();

        try (OidcSso sameKey = OidcSso.builder(settings(KEY)).sessionStore(shared).build();
             OidcSso otherKey = OidcSso.builder(settings(KEY + "-other")).sessionStore(shared).build()) {
            HttpServer second = DemoApps.jdkApp(sameKey);
            HttpServer third = DemoApps.jdkApp(otherKey);
            try {
                assertEquals("{\"authenticated\":true,\"username\":\"alice\",\"groups\":[\"mlflow\"],\"admin\":false,\"auth_method\":\"session\"}",
                        withCookie(session, DemoApps.baseUrl(second)).getJson(DemoApps.baseUrl(second) + "/auth/status").body());
                assertTrue(withCookie(session, DemoApps.baseUrl(third)).getJson(DemoApps.baseUrl(third) + "/auth/status")
                        .body().contains("\"authenticated\":false"));
            } finally {
                second.stop(0);
                third.stop(0);
            }
        }
    }

    @Test
    void loginStartedOnOneInstanceCompletesOnAnother() throws Exception {
        nextLoginAs("alice", Map.of("preferred_username", "alice", "groups", List.of("mlflow")));
        try (OidcSso other = OidcSso.create(settings(KEY))) {
            HttpServer second = DemoApps.jdkApp(other);
            try {
                HttpResponse<String> toIdp = browser.get(DemoApps.baseUrl(app) + "/login?next=/x");
                HttpResponse<String> fromIdp = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
                URI callback = URI.create(fromIdp.headers().firstValue("Location").orElseThrow());
                // A load balancer sends the callback to the second instance; the login cookie travels with it.
                String onSecond = DemoApps.baseUrl(second) + callback.getRawPath() + "?" + callback.getRawQuery();
                Cookie loginCookie = browser.lastLoginCookie().orElseThrow();
                Browser sameBrowser = withCookie(loginCookie, DemoApps.baseUrl(second));
                HttpResponse<String> done = sameBrowser.get(onSecond);
                assertEquals(302, done.statusCode(), done.body());
                assertEquals("/x", done.headers().firstValue("Location").orElseThrow());
            } finally {
                second.stop(0);
            }
        }
    }

    @Test
    void replayedCallbackIsRefused() {
        nextLoginAs("alice", Map.of("preferred_username", "alice", "groups", List.of("mlflow")));
        HttpResponse<String> toIdp = browser.get(DemoApps.baseUrl(app) + "/login");
        HttpResponse<String> fromIdp = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
        String callback = fromIdp.headers().firstValue("Location").orElseThrow();
        Cookie loginCookie = browser.lastLoginCookie().orElseThrow();
        assertEquals(302, browser.get(callback).statusCode());

        Browser attacker = withCookie(loginCookie, DemoApps.baseUrl(app));
        HttpResponse<String> replay = attacker.get(callback);
        assertEquals(400, replay.statusCode());
        assertTrue(replay.body().contains("already been used"), replay.body());
        assertFalse(replay.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(SessionManager.COOKIE + "=e")));
    }

    @Test
    void aHostHeaderThatIsNoHostStillGetsAnAnswer() throws Exception {
        for (String host : List.of("[1]", "[:]", "a..b", "x:99999")) {
            try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), app.getAddress().getPort())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET /login HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String reply = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(reply.startsWith("HTTP/1.1 302") || reply.startsWith("HTTP/1.1 400"), host + " -> " + reply);
            }
        }
    }

    @Test
    void healthEndpoints() {
        assertEquals(200, browser.getJson(DemoApps.baseUrl(app) + "/health/live").statusCode());
        assertEquals(200, browser.getJson(DemoApps.baseUrl(app) + "/health/ready").statusCode());
        assertTrue(browser.getJson(DemoApps.baseUrl(app) + "/health").body().contains("\"status\":\"UP\""));
    }

    static Browser withCookie(Cookie cookie, String baseUrl) {
        Browser client = Browser.forPages();
        client.cookies().put(Cookie.of(URI.create(baseUrl).getHost(), cookie.name(), cookie.value()));
        return client;
    }
}
