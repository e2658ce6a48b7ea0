package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTParser;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.http.QueryString;
import dev.oidcsso.session.SessionRecord;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Misbehaviour;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refresh tokens ({@code OIDC_REFRESH_TOKENS=true}) against the in-process OpenID provider, with the
 * user database: an active session refreshes before its tokens expire, learns the user's new groups
 * and role, spends each rotated refresh token once and keeps it only sealed; a refusal ends the
 * session at once; an IdP that cannot be reached does not. The session keeps its login's ID token:
 * the logout URL's {@code id_token_hint} is never a refreshed one, which could work as a bearer token.
 */
class SessionRefreshTest {

    /** The IdP's access token lifetime; sessions refresh within {@link #MARGIN} of its end. */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    static final Duration MARGIN = Duration.ofSeconds(60);
    /** Brings the tokens of a session refreshed (or started) now within the margin. */
    static final Duration UNTIL_DUE = TOKEN_LIFETIME.minus(MARGIN).plusSeconds(1);

    @TempDir
    Path dataDir;
    final MutableClock clock = MutableClock.atNow();
    TestProvider op;
    Database db;
    StoreApp app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.builder().clock(clock).tokenLifetime(TOKEN_LIFETIME).start();
        db = Database.open(StoreSettings.embedded(dataDir), clock);
        app = StoreApp.start(op, db, Map.of("OIDC_REFRESH_TOKENS", "true", "OIDC_REFRESH_BEFORE", "60s"),
                b -> b.clock(clock).resourceTypes(ResourceTypes.of("experiment")));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    Browser signedInAs(TestUser user) {
        op.user(user);
        return StoreApps.signedIn(app.base());
    }

    JsonNode status(Browser browser) {
        return RestApiTest.json(browser.get(app.base() + "/auth/status", Map.of("Accept", "application/json")));
    }

    boolean authenticated(Browser browser) {
        return status(browser).get("authenticated").asBoolean();
    }

    SessionRecord onlySessionOf(String username) {
        List<SessionRecord> sessions = db.sessions().activeOf(username, clock.instant());
        assertEquals(1, sessions.size(), sessions.toString());
        return sessions.get(0);
    }

    @Test
    void theLoginAsksForOfflineAccessAndKeepsTheRefreshTokenSealedOnTheServer() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow"));
        String scope = op.requests("/authorize").get(0).param("scope").orElseThrow();
        assertTrue(List.of(scope.split(" ")).contains("offline_access"), scope);
        assertEquals(1, op.issuedRefreshTokens().size());
        String issued = op.issuedRefreshTokens().get(0);
        SessionRecord record = onlySessionOf("bob");
        assertTrue(record.sealedRefreshToken().isPresent());
        assertFalse(record.sealedRefreshToken().get().contains(issued), "the refresh token is stored sealed");
        assertTrue(record.tokensExpireAt().isPresent());
        bob.cookies().all().forEach(cookie -> assertFalse(cookie.value().contains(issued), "no refresh token in a cookie"));
        assertTrue(op.refreshRequests().isEmpty(), "nothing is refreshed before it is due");
        assertTrue(authenticated(bob));
        assertTrue(op.refreshRequests().isEmpty());
    }

    @Test
    void aGroupChangeAtTheIdpReachesTheSessionAtItsNextRefreshAndRotatedTokensAreSpentOnce() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow-admin"));
        assertTrue(status(bob).get("admin").asBoolean());
        op.user(TestUser.withGroups("bob", "mlflow"));

        clock.advance(UNTIL_DUE);
        Poll.until(() -> !status(bob).get("admin").asBoolean(), "the refresh bringing the new groups");
        assertTrue(authenticated(bob));
        assertEquals(List.of("mlflow"), List.of(status(bob).get("groups").get(0).asText()));
        assertEquals(1, op.refreshRequests().size());
        assertEquals(op.issuedRefreshTokens().get(0), op.refreshRequests().get(0).formParam("refresh_token").orElseThrow());
        assertEquals(403, bob.getJson(app.base() + "/oidc/api/users").statusCode(), "no admin route after the refresh");

        // The second refresh spends the rotated token, not the first one again.
        clock.advance(UNTIL_DUE);
        Poll.until(() -> authenticated(bob) && op.refreshRequests().size() == 2 && onlySessionOf("bob").version() >= 4,
                "the second refresh");
        assertEquals(op.issuedRefreshTokens().get(1), op.refreshRequests().get(1).formParam("refresh_token").orElseThrow());
        assertEquals(0, op.refreshTokenReplays());
        assertTrue(authenticated(bob));
        String kept = onlySessionOf("bob").sealedRefreshToken().orElseThrow();
        op.issuedRefreshTokens().forEach(token -> assertFalse(kept.contains(token)));
    }

    @Test
    void aRefreshWithoutAnIdTokenReadsTheNewGroupsFromUserInfo() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow-admin"));
        assertTrue(status(bob).get("admin").asBoolean());
        op.refreshIdTokens(false);
        op.user(TestUser.withGroups("bob", "mlflow"));
        int userInfoBefore = op.requests("/userinfo").size();

        clock.advance(UNTIL_DUE);
        Poll.until(() -> !status(bob).get("admin").asBoolean(), "the refresh bringing the new groups through UserInfo");
        assertTrue(authenticated(bob));
        assertEquals(1, op.refreshRequests().size());
        assertTrue(op.requests("/userinfo").size() > userInfoBefore, "UserInfo was asked, with the refreshed access token");
        assertTrue(onlySessionOf("bob").sealedIdToken().isPresent(), "the login's ID token is kept for logout");
    }

    @Test
    void aRefreshThatTellsNoGroupsRenewsTheTokensButDoesNotPassTheLoginsGroupsOffAsNew() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow-admin"));
        op.refreshIdTokens(false).userInfoWithout("groups");
        op.user(TestUser.withGroups("bob", "mlflow"));
        SessionRecord before = onlySessionOf("bob");

        clock.advance(UNTIL_DUE);
        Poll.until(() -> authenticated(bob) && op.refreshRequests().size() == 1 && onlySessionOf("bob").version() > before.version() + 1,
                "the refresh recorded");
        SessionRecord after = onlySessionOf("bob");
        assertTrue(after.tokensExpireAt().orElseThrow().isAfter(before.tokensExpireAt().orElseThrow()), "the tokens were renewed");
        assertFalse(after.refreshDueAt(clock.instant(), MARGIN));
        assertTrue(status(bob).get("admin").asBoolean(), "no groups were told, so the role is the login's until the next refresh that tells them");

        // The rotated refresh token is the one spent next.
        clock.advance(UNTIL_DUE);
        Poll.until(() -> authenticated(bob) && op.refreshRequests().size() == 2, "the second refresh");
        assertEquals(op.issuedRefreshTokens().get(1), op.refreshRequests().get(1).formParam("refresh_token").orElseThrow());
        assertEquals(0, op.refreshTokenReplays());
    }

    @Test
    void aRevokedRefreshTokenEndsTheSessionAtOnce() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow"));
        String hash = onlySessionOf("bob").idHash();
        op.revokeRefreshTokens();

        clock.advance(UNTIL_DUE);
        assertTrue(authenticated(bob), "the request that finds the session due is not held up");
        Poll.until(() -> !authenticated(bob), "the refused refresh ending the session");
        SessionRecord ended = db.sessions().find(hash).orElseThrow();
        assertEquals("refresh-refused", ended.endCause().orElseThrow());
        assertTrue(ended.sealedRefreshToken().isEmpty(), "an ended session keeps no refresh token");
    }

    @Test
    void aUserWhoLeftEveryAllowedGroupLosesTheSessionAtTheNextRefresh() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow"));
        String hash = onlySessionOf("bob").idHash();
        op.user(TestUser.withGroups("bob", "sales"));

        clock.advance(UNTIL_DUE);
        bob.get(app.base() + "/auth/status", Map.of("Accept", "application/json")); // finds the session due
        // Polled on the store: between the refusal recording bob's lost groups and the session's end, a
        // request is answered 403 (no allowed group), which is not the status JSON.
        Poll.until(() -> db.sessions().find(hash).orElseThrow().endedAt().isPresent(), "the refresh refusing the user");
        Poll.until(() -> {
            var response = bob.get(app.base() + "/auth/status", Map.of("Accept", "application/json"));
            return response.statusCode() == 200 && !RestApiTest.json(response).get("authenticated").asBoolean();
        }, "the ended session refused");
        assertEquals(1, op.refreshRequests().size());
        assertEquals("refresh-refused", db.sessions().find(hash).orElseThrow().endCause().orElseThrow());
    }

    @Test
    void anUnreachableIdpIsNotARefusalTheSessionLivesOnAndTheRefreshIsTriedAgain() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow"));
        op.tokenEndpointDown(true);

        clock.advance(UNTIL_DUE);
        assertTrue(authenticated(bob));
        Poll.until(() -> op.refreshRequests().size() == 1, "the refresh trying the IdP");
        // Requests within the pause do not hammer the IdP, and the session stays.
        for (int i = 0; i < 5; i++) {
            assertTrue(authenticated(bob));
        }
        assertEquals(2, op.requests("/token").size(), "one code exchange and one refresh try");

        // The IdP is back: after the pause, the next request refreshes.
        op.tokenEndpointDown(false);
        clock.advance(Duration.ofSeconds(6));
        Poll.until(() -> authenticated(bob) && op.refreshRequests().size() == 2
                && onlySessionOf("bob").tokensExpireAt().orElseThrow().isAfter(clock.instant().plus(MARGIN)), "the refresh once the IdP is back");

        // The IdP is gone altogether (connection refused): still not a refusal.
        op.close();
        clock.advance(UNTIL_DUE);
        SessionRecord before = onlySessionOf("bob");
        for (int i = 0; i < 20; i++) {
            assertTrue(authenticated(bob));
        }
        assertTrue(db.sessions().find(before.idHash()).orElseThrow().endedAt().isEmpty());
    }

    @Test
    void aPassingFailureAfterTheIdpAnsweredKeepsTheRotatedRefreshToken() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow"));
        String hash = onlySessionOf("bob").idHash();
        // The refreshed ID token is signed with a key the application has not seen, and the keys cannot be fetched now.
        op.jwks().rotate();
        op.jwks().failWith(503);

        clock.advance(UNTIL_DUE);
        assertTrue(authenticated(bob));
        Poll.until(() -> op.refreshRequests().size() == 1 && db.sessions().find(hash).orElseThrow().refreshClaimedUntil().isEmpty(),
                "the first refresh, settled");
        assertTrue(db.sessions().find(hash).orElseThrow().endedAt().isEmpty(), "a key outage is no refusal");

        op.jwks().failWith(0);
        clock.advance(Duration.ofMinutes(6)); // past the longest pause between tries (five minutes)
        // Each look is a request, so the retry starts even if the first attempt was still finishing at the first one.
        // A longer wait than the default: the retry follows a key refetch and a refresh on a shared, loaded machine.
        Poll.until(Duration.ofSeconds(30), () -> authenticated(bob) && op.refreshRequests().size() == 2
                        && db.sessions().find(hash).orElseThrow().refreshClaimedUntil().isEmpty(), "the retry, settled");
        assertEquals(op.issuedRefreshTokens().get(1), op.refreshRequests().get(1).formParam("refresh_token").orElseThrow(),
                "the retry presents the token the IdP rotated to, not the spent one");
        assertEquals(0, op.refreshTokenReplays());
        assertTrue(db.sessions().find(hash).orElseThrow().endedAt().isEmpty());
        assertTrue(authenticated(bob));
    }

    /**
     * Review finding R4-2: IdPs commonly refresh ID tokens without the login's {@code nonce} (OpenID
     * Connect Core errata, 12.2), and the bearer check refuses only ID tokens with one. Were the refreshed
     * ID token kept for {@code id_token_hint}, the sign-out URL (browser history, the IdP's access log)
     * would hand the next person at the machine a bearer token, with which they could mint a personal
     * access token that never expires.
     */
    @Test
    void afterARefreshTheIdTokenInTheSignOutUrlIsStillTheLoginsAndNoBearerCredential() throws ParseException {
        op.user(TestUser.alice());
        Browser alice = StoreApps.signedIn(app.base());
        String loginNonce = op.requests("/authorize").get(0).param("nonce").orElseThrow();
        // The IdP refreshes without echoing the login's nonce, as most do.
        op.misbehave(Misbehaviour.MISSING_NONCE);
        clock.advance(UNTIL_DUE);
        Poll.until(() -> {
            alice.getJson(app.base() + "/auth/status");
            return op.refreshRequests().size() == 1 && op.pendingMisbehaviours().isEmpty();
        }, "the refresh");
        Poll.until(() -> authenticated(alice) && onlySessionOf("alice").version() >= 2, "the refresh recorded");

        HttpResponse<String> logout = alice.signOut(app.base());
        assertEquals(302, logout.statusCode(), logout.body());
        URI idpLogout = URI.create(logout.headers().firstValue("Location").orElseThrow());
        String idToken = QueryString.parse(idpLogout.getRawQuery()).get("id_token_hint");
        assertTrue(idToken != null && idToken.split("\\.").length == 3, "the ID token is in the sign-out URL: " + idpLogout);
        assertEquals(401, alice.getJson(app.base() + "/oidc/api/me").statusCode(), "the session has ended");

        // The next person at the machine, with the URL from the browser's history:
        Map<String, String> bearer = Map.of("Authorization", "Bearer " + idToken, "Accept", "application/json");
        assertEquals(401, new Browser().get(app.base() + "/api/x", bearer).statusCode(), "the hint is no bearer token");
        HttpResponse<String> minted = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me/token"))
                .header("Authorization", "Bearer " + idToken).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(401, minted.statusCode(), "and mints no access token: " + minted.body());
        assertTrue(db.tokens().find("alice").isEmpty());
        assertEquals(loginNonce, JWTParser.parse(idToken).getJWTClaimsSet().getStringClaim("nonce"),
                "the hint is the login's ID token, with its nonce, not the refreshed one");
    }

    /**
     * OpenID Connect Core 12.2: a refreshed ID token's {@code nonce} may be absent, but when present it must
     * be the one "in the ID Token issued when the original authentication occurred": after a refresh that
     * dropped it, the login's is still the one compared with.
     */
    @Test
    void aLaterRefreshIsComparedWithTheLoginsIdTokenNotWithTheLastRefreshedOne() {
        Browser bob = signedInAs(TestUser.withGroups("bob", "mlflow"));
        String hash = onlySessionOf("bob").idHash();
        op.misbehave(Misbehaviour.MISSING_NONCE);
        clock.advance(UNTIL_DUE);
        Poll.until(() -> authenticated(bob) && op.refreshRequests().size() == 1 && onlySessionOf("bob").version() >= 2,
                "the first refresh, without a nonce, accepted");

        op.misbehave(Misbehaviour.WRONG_NONCE);
        clock.advance(UNTIL_DUE);
        bob.get(app.base() + "/auth/status", Map.of("Accept", "application/json")); // finds the session due
        Poll.until(() -> db.sessions().find(hash).orElseThrow().endedAt().isPresent(), "the second refresh, with another nonce, refused");
        assertEquals("refresh-refused", db.sessions().find(hash).orElseThrow().endCause().orElseThrow());
        assertFalse(authenticated(bob));
    }
}
