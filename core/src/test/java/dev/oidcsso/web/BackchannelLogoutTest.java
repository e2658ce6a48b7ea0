package dev.oidcsso.web;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.oidc.LogoutTokenValidator;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenID Connect Back-Channel Logout 1.0 against the in-process OP, which signs the logout tokens
 * with its own JWKS keys as a real OP does: the route ends exactly the sessions the token names and
 * answers as §2.8 says.
 */
class BackchannelLogoutTest {

    TestProvider op;
    OidcSso sso;
    HttpServer app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY).build());
        app = DemoApps.jdkApp(sso);
        op.registerRedirectUri(url("/callback"));
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        op.close();
    }

    String url(String path) {
        return DemoApps.baseUrl(app) + path;
    }

    /** A browser signed in as alice, in the OP session {@code sid}. */
    Browser signedIn(String sid) {
        op.user(TestUser.alice().withClaim("sid", sid));
        Browser browser = new Browser().defaultHeader("Accept", "text/html");
        assertEquals(200, browser.navigate(url("/login?next=/home")).last().statusCode());
        assertTrue(authenticated(browser));
        return browser;
    }

    boolean authenticated(Browser browser) {
        return browser.getJson(url("/auth/status")).body().contains("\"authenticated\":true");
    }

    String logoutToken(Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(op.issuer()).audience(op.clientId())
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString())
                .claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of()));
        change.accept(claims);
        return op.signJwt(claims.build());
    }

    HttpResponse<String> post(String token) {
        return new Browser().post(url("/backchannel-logout"), Map.of("logout_token", token));
    }

    @Test
    void aLogoutTokenEndsTheSessionsOfItsSidOnly() {
        Browser first = signedIn("op-session-1");
        Browser second = signedIn("op-session-2");
        String token = logoutToken(claims -> claims.claim("sid", "op-session-1"));

        HttpResponse<String> done = post(token);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(List.of("no-store"), done.headers().allValues("Cache-Control"));
        assertFalse(authenticated(first), "the session of that OP session ended");
        assertTrue(authenticated(second), "another OP session of the same user lives on");

        HttpResponse<String> replayed = post(token);
        assertEquals(400, replayed.statusCode());
        assertTrue(replayed.body().contains("\"error\":\"invalid_request\""), replayed.body());
        assertTrue(replayed.headers().allValues("Cache-Control").contains("no-store"));
    }

    @Test
    void aLogoutTokenWithOnlySubEndsEverySessionOfThatSubject() {
        Browser first = signedIn("op-session-1");
        Browser second = signedIn("op-session-2");
        assertEquals(200, post(logoutToken(claims -> claims.subject("alice"))).statusCode());
        assertFalse(authenticated(first));
        assertFalse(authenticated(second));
    }

    @Test
    void badLogoutTokensAre400AndEndNothing() {
        Browser browser = signedIn("op-session-1");
        for (String bad : List.of(
                logoutToken(claims -> claims.claim("sid", "op-session-1").claim("nonce", "n")),
                logoutToken(claims -> claims.claim("sid", "op-session-1").issuer("https://attacker.example")),
                logoutToken(claims -> claims.claim("sid", "op-session-1").audience("another-client")),
                logoutToken(claims -> claims.claim("sid", "op-session-1").claim("events", Map.of())),
                logoutToken(claims -> { }),
                "not.a.jwt")) {
            HttpResponse<String> refused = post(bad);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().startsWith("{\"error\":\"invalid_request\""), refused.body());
        }
        HttpResponse<String> noToken = new Browser().post(url("/backchannel-logout"), Map.of());
        assertEquals(400, noToken.statusCode());
        assertEquals(405, new Browser().get(url("/backchannel-logout")).statusCode());
        assertTrue(authenticated(browser), "no bad token ended the session");
    }
}
