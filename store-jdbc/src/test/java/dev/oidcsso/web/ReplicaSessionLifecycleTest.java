package dev.oidcsso.web;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.crypto.Sealer;
import dev.oidcsso.config.Secret;
import dev.oidcsso.crypto.SealingKey;
import dev.oidcsso.oidc.LogoutTokenValidator;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.store.jdbc.TestDatabase;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Cookie;
import dev.oidcsso.testing.HtmlForm;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.oidcsso.web.Replicas.authenticated;
import static dev.oidcsso.web.Replicas.awaitOnTheOther;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions as a browser lives them behind a load balancer, on H2 and on PostgreSQL: two replicas
 * share the database, and each step may land on either. Logins started in several tabs complete in
 * any order whichever replica gets the callback; a sign-out or a back-channel logout on one replica
 * is refused on the other; a cross-site {@code GET /logout} and a failed callback end nothing.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
@ExtendWith(TestDatabase.Servers.class)
class ReplicaSessionLifecycleTest {

    @Parameter
    TestDatabase database;
    Replicas replicas;
    Replicas.Replica a;
    Replicas.Replica b;
    final Browser browser = new Browser().defaultHeader("Accept", "text/html");

    @BeforeEach
    void start(TestDatabase.Servers servers) throws Exception {
        replicas = Replicas.start(servers.newDatabaseUrl(database), Map.of());
        a = replicas.a;
        b = replicas.b;
        replicas.op.user(TestUser.alice().withClaim("sid", "op-session-1"));
    }

    @AfterEach
    void stop() {
        replicas.close();
    }

    static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + response.body()));
    }

    /** Starts a login on {@code replica} and lets the IdP answer: the callback URL, moved to {@code callbackOn}. */
    String callbackOfANewLogin(Replicas.Replica replica, String next, Replicas.Replica callbackOn) {
        HttpResponse<String> toIdp = browser.get(replica.url("/login?next=" + next));
        return location(browser.get(location(toIdp))).replace(replica.base(), callbackOn.base());
    }

    /** A second client holding a copy of the browser's session cookie. */
    Browser copyOfTheSession() {
        Cookie session = browser.cookies().get(SessionManager.COOKIE).orElseThrow();
        Browser copy = new Browser();
        copy.cookies().put(session.forHost("127.0.0.1"));
        return copy;
    }

    @Test
    void loginsStartedInTwoTabsCompleteInAnyOrderWithTheCallbacksOnDifferentReplicas() {
        String first = callbackOfANewLogin(a, "/one", b);
        String second = callbackOfANewLogin(b, "/two", a);
        assertEquals(2, browser.cookies().all().stream().filter(c -> c.name().startsWith("oidc_sso_login_")).count(),
                "two login cookies in one browser");
        HttpResponse<String> done = browser.get(second);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/two", location(done));
        done = browser.get(first);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/one", location(done));
        assertTrue(authenticated(browser, a) && authenticated(browser, b));
        assertEquals(0, browser.cookies().all().stream().filter(c -> c.name().startsWith("oidc_sso_login_")).count(),
                "each completed login removed its own cookie");
    }

    @Test
    void aSignOutOnOneReplicaIsRefusedOnTheOther() {
        assertEquals(200, browser.navigate(a.url("/login?next=/home")).last().statusCode());
        Browser copy = copyOfTheSession();
        assertTrue(authenticated(copy, b));

        HttpResponse<String> page = browser.get(a.url("/logout"));
        HtmlForm form = HtmlForm.parse(page, "confirm");
        HttpResponse<String> out = browser.post(form.action().toString(), form.fields(), Map.of("Sec-Fetch-Site", "same-origin"));
        assertEquals(302, out.statusCode(), out.body());
        assertFalse(authenticated(copy, a), "ended at once on the replica that signed out");
        awaitOnTheOther(() -> !authenticated(copy, b), "the sign-out on A reaching replica B");
    }

    @Test
    void aCrossSiteGetLogoutOnTheOtherReplicaShowsThePageAndEndsNothing() {
        assertEquals(200, browser.navigate(a.url("/login?next=/home")).last().statusCode());
        HttpResponse<String> page = browser.get(b.url("/logout"), Map.of("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("id=\"confirm\""), "the page with the button: " + page.body());
        HtmlForm form = HtmlForm.parse(page, "confirm");
        HttpResponse<String> forged = browser.post(form.action().toString(), form.fields(), Map.of("Sec-Fetch-Site", "cross-site"));
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(authenticated(browser, a) && authenticated(browser, b), "a link or a forged form signs nobody out");
    }

    @Test
    void aFailedCallbackOnTheOtherReplicaLeavesAValidSessionAlone() {
        assertEquals(200, browser.navigate(a.url("/login?next=/home")).last().statusCode());
        HttpResponse<String> forged = browser.get(b.url("/callback?state=forged&code=x"));
        assertEquals(400, forged.statusCode());
        assertFalse(forged.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(SessionManager.COOKIE + "=")),
                forged.headers().allValues("Set-Cookie").toString());
        // A stale callback of a real login, replayed on B: refused, and still no harm done.
        String stale = callbackOfANewLogin(a, "/again", b);
        assertEquals(302, browser.get(stale).statusCode());
        HttpResponse<String> replayed = browser.get(stale.replace(b.base(), a.base()));
        assertEquals(400, replayed.statusCode());
        assertTrue(authenticated(browser, a) && authenticated(browser, b), "the session lives on");
    }

    @Test
    void theSessionCookieIsSmallAndTwoSessionCookiesOrAnOldFormatOneGiveNoSession() {
        List<HttpResponse<String>> chain = browser.navigate(a.url("/login?next=/home")).chain();
        String setCookie = chain.stream().flatMap(r -> r.headers().allValues("Set-Cookie").stream())
                .filter(c -> c.startsWith(SessionManager.COOKIE + "=")).findFirst().orElseThrow();
        assertTrue(setCookie.length() < 400, "the whole Set-Cookie, although the ID token is kept for logout: " + setCookie.length());
        String alice = browser.cookies().get(SessionManager.COOKIE).orElseThrow().value();
        Browser bob = replicas.signedIn(b, TestUser.withGroups("bob", "mlflow"));
        String bobs = bob.cookies().get(SessionManager.COOKIE).orElseThrow().value();

        for (String cookies : List.of(SessionManager.COOKIE + "=" + alice + "; " + SessionManager.COOKIE + "=" + bobs,
                SessionManager.COOKIE + "=" + bobs + "; " + SessionManager.COOKIE + "=" + alice)) {
            HttpResponse<String> status = new Browser().get(b.url("/auth/status"), Map.of("Accept", "application/json", "Cookie", cookies));
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("\"authenticated\":false"), "two session cookies give no session: " + status.body());
        }
        // A cookie of the earlier format (a compact JWE) is no session and no error: the browser is sent to log in.
        String earlier = new Sealer(SealingKey.fromSecret(Secret.of(JdkServerLoginTest.KEY)), "session").seal(Map.of("sid", "s", "sub", "alice"));
        HttpResponse<String> old = new Browser().get(a.url("/home"), Map.of("Accept", "text/html", "Cookie", SessionManager.COOKIE + "=" + earlier));
        assertEquals(302, old.statusCode(), old.body());
        assertTrue(location(old).startsWith("/login"), location(old));
    }

    @Test
    void aBackchannelLogoutOnOneReplicaEndsThatOpSessionOnBoth() {
        assertEquals(200, browser.navigate(a.url("/login?next=/home")).last().statusCode());
        Browser copy = copyOfTheSession();
        replicas.op.user(TestUser.alice().withClaim("sid", "op-session-2"));
        Browser other = replicas.signedIn(b, replicas.op.user());
        assertTrue(authenticated(copy, b) && authenticated(other, a));

        String token = logoutToken("sid", "op-session-1");
        HttpResponse<String> done = new Browser().post(a.url("/backchannel-logout"), Map.of("logout_token", token));
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(List.of("no-store"), done.headers().allValues("Cache-Control"));
        assertFalse(authenticated(copy, a));
        awaitOnTheOther(() -> !authenticated(copy, b), "the back-channel logout on A reaching replica B");
        assertTrue(authenticated(other, a) && authenticated(other, b), "the user's other OP session lives on");

        HttpResponse<String> replayed = new Browser().post(b.url("/backchannel-logout"), Map.of("logout_token", token));
        assertEquals(400, replayed.statusCode(), "the jti was seen on the other replica: " + replayed.body());
        assertEquals(List.of("no-store"), replayed.headers().allValues("Cache-Control"));

        // Without a sid, every session of the subject ends, whichever replica gets the token.
        assertEquals(200, new Browser().post(b.url("/backchannel-logout"), Map.of("logout_token", logoutToken("sub", "alice"))).statusCode());
        assertFalse(authenticated(other, b));
        awaitOnTheOther(() -> !authenticated(other, a), "the back-channel logout of a subject on B reaching replica A");
    }

    /** A logout token of the provider, naming the OP session or the subject in {@code claim}. */
    String logoutToken(String claim, String value) {
        return replicas.op.signJwt(new JWTClaimsSet.Builder().issuer(replicas.op.issuer()).audience(replicas.op.clientId())
                .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString()).claim(claim, value)
                .claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of())).build());
    }
}
