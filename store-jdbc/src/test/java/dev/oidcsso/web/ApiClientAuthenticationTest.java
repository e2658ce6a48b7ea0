package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.store.IssuedToken;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Cookie;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scripts and other replicas: bearer JWTs, personal access tokens with basic auth, logins recorded,
 * disabled users refused on every path, and revocations shared by two instances over one database.
 */
class ApiClientAuthenticationTest {

    @TempDir
    Path dataDir;
    TestProvider op;
    Database dbA;
    Database dbB;
    OidcSso a;
    OidcSso b;
    HttpServer appA;
    HttpServer appB;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        op.user(TestUser.withGroups("alice", "mlflow"));
        OidcSettings settings = StoreApps.settings(op, Map.of());
        StoreSettings store = StoreSettings.embedded(dataDir).withPollInterval(Duration.ofMillis(100));
        dbA = Database.open(store);
        dbB = Database.open(store);
        a = OidcSso.builder(settings).database(dbA).build();
        b = OidcSso.builder(settings).database(dbB).build();
        appA = DemoApps.jdkApp(a);
        appB = DemoApps.jdkApp(b);
        op.registerRedirectUri(DemoApps.baseUrl(appA) + "/callback");
    }

    @AfterEach
    void stop() {
        appA.stop(0);
        appB.stop(0);
        a.close();
        b.close();
        dbA.close();
        dbB.close();
        op.close();
    }

    String status(HttpServer app, String authorization) {
        Browser client = new Browser();
        return client.get(DemoApps.baseUrl(app) + "/auth/status", Map.of("Authorization", authorization)).body();
    }

    int statusCode(HttpServer app, String authorization) {
        return new Browser().get(DemoApps.baseUrl(app) + "/experiments", Map.of("Authorization", authorization)).statusCode();
    }

    Browser loggedIn() {
        return StoreApps.signedIn(DemoApps.baseUrl(appA));
    }

    @Test
    void loginIsRecordedWithItsGroups() {
        loggedIn();
        var user = dbA.users().find("alice").orElseThrow();
        assertEquals(java.util.Set.of("mlflow"), user.groups());
    }

    @Test
    void bearerJwtFromTheIdp() {
        String token = op.accessToken(Map.of());
        assertEquals("{\"authenticated\":true,\"username\":\"alice\",\"groups\":[\"mlflow\"],\"admin\":false,\"auth_method\":\"bearer\"}",
                status(appA, "Bearer " + token));
        assertEquals(401, statusCode(appA, "Bearer " + op.accessToken(Map.of("aud", "another-api"))));
        assertEquals(401, statusCode(appA, "Bearer not-a-jwt"));
        assertEquals(401, statusCode(appA, "Bearer " + op.idToken("a-login-nonce")),
                "an ID token from a browser login (it travels in logout URLs) is no API credential");
        assertEquals(401, statusCode(appA, "Bearer " + token.substring(0, token.length() - 4) + "AAAA"));
    }

    @Test
    void personalAccessTokenWithBasicAuthAndRotationOnEveryReplica() throws Exception {
        loggedIn();
        IssuedToken first = dbA.tokens().create("alice");
        String basic = Browser.basicAuthorization("alice", first.token().reveal());
        assertTrue(status(appA, basic).contains("\"auth_method\":\"basic\""));
        assertTrue(status(appB, basic).contains("\"username\":\"alice\""));

        IssuedToken second = dbA.tokens().create("alice");
        assertEquals(401, statusCode(appA, basic), "the previous token stops at once on the replica that rotated it");
        Poll.until(() -> statusCode(appB, basic) == 401, "the rotation reaching the other replica");
        assertEquals(200, statusCode(appB, Browser.basicAuthorization("alice", second.token().reveal())));
        assertEquals(401, statusCode(appA, Browser.basicAuthorization("mallory", second.token().reveal())));
        assertEquals(401, statusCode(appA, "Basic !!!not-base64"));
    }

    @Test
    void aCallbackReplayedOnTheOtherReplicaIsRefused() {
        Browser browser = new Browser();
        browser.defaultHeader("Accept", "text/html");
        HttpResponse<String> toIdp = browser.get(DemoApps.baseUrl(appA) + "/login");
        HttpResponse<String> fromIdp = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
        String callback = fromIdp.headers().firstValue("Location").orElseThrow();
        Browser attacker = new Browser();
        attacker.defaultHeader("Accept", "text/html");
        Cookie login = browser.lastLoginCookie().orElseThrow();
        attacker.cookies().put(login.forHost("127.0.0.1"));
        assertEquals(302, browser.get(callback).statusCode());
        String onB = callback.replace(DemoApps.baseUrl(appA), DemoApps.baseUrl(appB));
        HttpResponse<String> replay = attacker.get(onB);
        assertEquals(400, replay.statusCode());
        assertTrue(replay.body().contains("already been used"), "refused by the shared record, before the IdP is asked: " + replay.body());
    }

    @Test
    void disabledUserIsRefusedOnEveryPath() throws Exception {
        Browser browser = loggedIn();
        IssuedToken token = dbA.tokens().create("alice");
        dbA.users().setDisabled("alice", true);
        Poll.until(() -> browser.get(DemoApps.baseUrl(appB) + "/").statusCode() == 403, "the disabled session being refused");
        assertEquals(403, browser.get(DemoApps.baseUrl(appA) + "/").statusCode());
        assertEquals(403, statusCode(appA, Browser.basicAuthorization("alice", token.token().reveal())));
        assertEquals(403, statusCode(appA, "Bearer " + op.accessToken(Map.of())));
    }
}
