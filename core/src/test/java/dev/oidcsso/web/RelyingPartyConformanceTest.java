package dev.oidcsso.web;

import dev.oidcsso.crypto.SealingKey;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.ClientAuthMethod;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.session.SessionManager;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Misbehaviour;
import dev.oidcsso.testing.RecordedRequest;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenID Foundation relying-party conformance cases of the Basic and Config profiles, and the
 * RFC 9700 / RFC 8725 client rules, each against the product's real login flow behind the JDK
 * HttpServer adapter. The test provider serves the responses no honest provider would send.
 * WebFinger discovery (rp-discovery-webfinger-*) and dynamic registration are outside the profile
 * this library implements: the discovery URL and client are configured.
 */
class RelyingPartyConformanceTest {

    TestProvider op;
    OidcSso sso;
    HttpServer app;
    final Browser browser = new Browser();

    void start(Consumer<OidcSettings.Builder> extra) {
        browser.defaultHeader("Accept", "text/html");
        op = TestProvider.start();
        OidcSettings.Builder settings = OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).secretKey(JdkServerLoginTest.KEY);
        extra.accept(settings);
        sso = OidcSso.create(settings.build());
        try {
            app = DemoApps.jdkApp(sso);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        op.registerRedirectUri(url("/callback"));
        op.registerPostLogoutRedirectUri(url("/"));
    }

    void start() {
        start(settings -> { });
    }

    String url(String path) {
        return DemoApps.baseUrl(app) + path;
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop(0);
        }
        if (sso != null) {
            sso.close();
        }
        if (op != null) {
            op.close();
        }
    }

    HttpResponse<String> login() {
        return browser.navigate(url("/login?next=/home")).last();
    }

    void assertLoggedIn(String expectedBody) {
        HttpResponse<String> last = login();
        assertEquals(200, last.statusCode(), last.body());
        assertEquals(expectedBody, last.body());
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isPresent());
    }

    void assertRefused(int status, String messagePart) {
        HttpResponse<String> last = login();
        assertEquals(status, last.statusCode(), last.body());
        assertTrue(last.body().contains(messagePart), last.body());
        assertFalse(last.body().contains("<script>"), "what the IdP sent is shown escaped");
        assertFalse(last.body().contains("Exception"), "no internals in the page");
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isEmpty(), "no session after a refused login");
        assertTrue(browser.navigate(url("/auth/status")).body().contains("\"authenticated\":false"));
    }

    void assertTokenRefused(Misbehaviour misbehaviour, String messagePart) {
        start();
        op.misbehave(misbehaviour);
        assertRefused(401, messagePart);
    }

    // ---- Basic profile: the happy path and client authentication --------------------------

    @Test
    @DisplayName("rp-response_type-code, rp-id_token-sig-rs256, rp-token_endpoint-client_secret_basic, PKCE S256")
    void codeFlowWithBasicClientAuthenticationAndPkce() {
        start();
        assertLoggedIn("hello alice via session at /home");
        RecordedRequest authorize = op.lastRequest("/authorize").orElseThrow();
        assertEquals("S256", authorize.queryParam("code_challenge_method").orElseThrow());
        assertTrue(authorize.queryParam("state").orElseThrow().length() >= 43, "at least 256 bits of state");
        assertTrue(authorize.queryParam("nonce").orElseThrow().length() >= 43);
        RecordedRequest token = op.lastRequest("/token").orElseThrow();
        String expected = "Basic " + Base64.getEncoder().encodeToString((op.clientId() + ":" + op.clientSecret()).getBytes());
        assertEquals(expected, token.header("Authorization").orElseThrow());
        assertTrue(token.formParam("client_secret").isEmpty(), "the secret is not also sent in the body");
        assertTrue(token.formParam("code_verifier").isPresent());
    }

    @Test
    @DisplayName("rp-token_endpoint-client_secret_post")
    void clientSecretPostOnRequest() {
        start(settings -> settings.set("OIDC_CLIENT_AUTH_METHOD", "client_secret_post"));
        op.clientAuth(ClientAuthMethod.CLIENT_SECRET_POST);
        assertLoggedIn("hello alice via session at /home");
        RecordedRequest token = op.lastRequest("/token").orElseThrow();
        assertEquals(op.clientSecret(), token.formParam("client_secret").orElseThrow());
        assertTrue(token.header("Authorization").isEmpty());
    }

    @Test
    @DisplayName("rp-scope-userinfo-claims, rp-userinfo-bearer-header")
    void userInfoAsIdentitySource() {
        start(settings -> settings.set("OIDC_IDENTITY_SOURCE", "userinfo").set("OIDC_USERNAME_CLAIM", "email"));
        op.user(TestUser.withGroups("zoe", "mlflow").withClaim("email", "zoe@example.com"));
        assertLoggedIn("hello zoe@example.com via session at /home");
        RecordedRequest userinfo = op.lastRequest("/userinfo").orElseThrow();
        assertTrue(userinfo.header("Authorization").orElseThrow().startsWith("Bearer "));
    }

    @Test
    @DisplayName("no UserInfo call when the ID token has everything")
    void noUserInfoCallForAnIdTokenLogin() {
        start();
        assertLoggedIn("hello alice via session at /home");
        assertEquals(0, op.requests("/userinfo").size());
    }

    @Test
    @DisplayName("one UserInfo call, on demand, for the userinfo group detector")
    void userInfoOnDemandForTheUserInfoGroupDetector() {
        start(settings -> settings.set("OIDC_GROUP_DETECTION_PLUGIN", "userinfo"));
        assertLoggedIn("hello alice via session at /home");
        assertEquals(1, op.requests("/userinfo").size());
    }

    @Test
    @DisplayName("rp-userinfo-bad-sub-claim")
    void userInfoForAnotherSubjectIsRefused() {
        start(settings -> settings.set("OIDC_IDENTITY_SOURCE", "userinfo"));
        op.misbehave(Misbehaviour.USERINFO_WRONG_SUB);
        assertRefused(401, "sub mismatch");
    }

    // ---- Basic profile: ID token rules ----------------------------------------------------

    @Test
    @DisplayName("rp-id_token-issuer-mismatch")
    void wrongIssuer() {
        assertTokenRefused(Misbehaviour.WRONG_ISSUER, "issuer");
    }

    @Test
    @DisplayName("rp-id_token-aud")
    void wrongAudience() {
        assertTokenRefused(Misbehaviour.WRONG_AUDIENCE, "audience");
    }

    @Test
    @DisplayName("missing aud")
    void missingAudience() {
        assertTokenRefused(Misbehaviour.MISSING_AUD, "no audience");
    }

    @Test
    @DisplayName("several audiences without azp")
    void severalAudiencesWithoutAzp() {
        assertTokenRefused(Misbehaviour.MULTIPLE_AUDIENCES_WITHOUT_AZP, "authorized party");
    }

    @Test
    @DisplayName("azp naming another client")
    void wrongAzp() {
        assertTokenRefused(Misbehaviour.MULTIPLE_AUDIENCES_WRONG_AZP, "authorized party");
    }

    @Test
    @DisplayName("several audiences with this client as azp are accepted")
    void severalAudiencesWithAzp() {
        start();
        op.misbehave(Misbehaviour.MULTIPLE_AUDIENCES_WITH_AZP);
        assertLoggedIn("hello alice via session at /home");
    }

    @Test
    @DisplayName("an expires_in as large as a long holds is accepted")
    void hugeTokenLifetime() {
        start();
        op.misbehave(Misbehaviour.HUGE_EXPIRES_IN);
        assertLoggedIn("hello alice via session at /home");
    }

    @Test
    @DisplayName("rp-id_token-sub")
    void missingSubject() {
        assertTokenRefused(Misbehaviour.MISSING_SUB, "no subject");
    }

    @Test
    @DisplayName("rp-id_token-iat")
    void missingIssueTime() {
        assertTokenRefused(Misbehaviour.MISSING_IAT, "no issue time");
    }

    @Test
    @DisplayName("missing exp")
    void missingExpiry() {
        assertTokenRefused(Misbehaviour.MISSING_EXP, "no expiry");
    }

    @Test
    @DisplayName("expired ID token")
    void expired() {
        assertTokenRefused(Misbehaviour.EXPIRED, "expired");
    }

    @Test
    @DisplayName("ID token issued in the future")
    void issuedInTheFuture() {
        assertTokenRefused(Misbehaviour.ISSUED_IN_FUTURE, "in the future");
    }

    @Test
    @DisplayName("rp-nonce-invalid")
    void wrongNonce() {
        assertTokenRefused(Misbehaviour.WRONG_NONCE, "nonce does not match");
    }

    @Test
    @DisplayName("rp-nonce-unless-code-flow: a nonce was sent, so it must come back")
    void missingNonce() {
        assertTokenRefused(Misbehaviour.MISSING_NONCE, "no nonce");
    }

    @Test
    @DisplayName("rp-id_token-bad-sig-rs256: tampered signature")
    void tamperedSignature() {
        assertTokenRefused(Misbehaviour.TAMPERED_SIGNATURE, "signature was refused");
    }

    @Test
    @DisplayName("rp-id_token-bad-sig-rs256: signed by a key the provider does not publish")
    void unknownKey() {
        assertTokenRefused(Misbehaviour.UNKNOWN_SIGNING_KEY, "signature was refused");
    }

    @Test
    @DisplayName("rp-id_token-bad-sig-rs256: a published kid with a foreign key")
    void foreignKeyUnderAKnownKid() {
        assertTokenRefused(Misbehaviour.WRONG_KEY_FOR_KID, "signature was refused");
    }

    @Test
    @DisplayName("rp-id_token-sig-none: unsigned ID tokens are refused (RFC 8725 3.1)")
    void algNone() {
        assertTokenRefused(Misbehaviour.ALG_NONE, "unsigned");
    }

    @Test
    @DisplayName("algorithm confusion: HS256 keyed with the RSA public key (RFC 8725 2.1)")
    void hmacWithThePublicKey() {
        assertTokenRefused(Misbehaviour.HS256_WITH_PUBLIC_KEY, "alg HS256");
    }

    @Test
    @DisplayName("rp-id_token-kid-absent-single-jwks")
    void noKidWithASingleKey() {
        start();
        op.misbehave(Misbehaviour.NO_KID_SINGLE_KEY);
        assertLoggedIn("hello alice via session at /home");
    }

    // ---- Config profile -------------------------------------------------------------------

    @Test
    @DisplayName("rp-key-rotation-op-sign-key: a new kid is fetched, once")
    void keyRotation() {
        start();
        assertLoggedIn("hello alice via session at /home");
        int fetches = op.jwks().requestCount();
        op.misbehave(Misbehaviour.ROTATED_KEY);
        Browser second = new Browser();
        HttpResponse<String> last = second.navigate(url("/login")).last();
        assertEquals(200, last.statusCode(), last.body());
        assertEquals(fetches + 1, op.jwks().requestCount());
    }

    @Test
    @DisplayName("rp-discovery-issuer-not-matching-config")
    void discoveryForAnotherIssuerIsRefused() {
        op = TestProvider.start();
        op.discovery().set("issuer", "https://impostor.example.com");
        sso = OidcSso.create(OidcSettings.builder().discoveryUrl(op.discoveryUrl().toString())
                .client(op.clientId(), op.clientSecret()).build());
        assertFalse(sso.ready());
        assertTrue(sso.provider().lastError().orElseThrow().contains("declares the issuer 'https://impostor.example.com'"));
    }

    @Test
    @DisplayName("rp-discovery-jwks_uri-keys: keys keep working through a JWKS outage")
    void jwksOutageIsTolerated() {
        start();
        assertLoggedIn("hello alice via session at /home");
        op.jwks().failWith(500);
        Browser second = new Browser();
        assertEquals(200, second.navigate(url("/login")).last().statusCode());
    }

    // ---- RFC 9700 / RFC 9207: the authorization response ----------------------------------

    @Test
    @DisplayName("RFC 9207: iss parameter from another issuer")
    void wrongIssParameter() {
        start();
        op.misbehave(Misbehaviour.WRONG_ISS_PARAMETER);
        assertRefused(400, "comes from another issuer");
    }

    @Test
    @DisplayName("RFC 9207: iss parameter missing though advertised")
    void missingIssParameter() {
        start();
        op.misbehave(Misbehaviour.MISSING_ISS_PARAMETER);
        assertRefused(400, "that this identity provider promises (RFC 9207)");
    }

    @Test
    @DisplayName("an error returned by the IdP is shown escaped")
    void errorFromTheIdp() {
        start();
        op.misbehave(Misbehaviour.AUTHORIZATION_ERROR);
        assertRefused(403, "refused the login: access_denied (&lt;script&gt;alert(1)&lt;/script&gt;)");
    }

    @Test
    @DisplayName("a token endpoint error")
    void tokenEndpointError() {
        start();
        op.misbehave(Misbehaviour.TOKEN_ERROR);
        assertRefused(400, "invalid_grant");
    }

    @Test
    @DisplayName("state that does not match the browser's login")
    void stateMismatch() {
        start();
        HttpResponse<String> toIdp = browser.get(url("/login"));
        HttpResponse<String> fromIdp = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
        URI callback = URI.create(fromIdp.headers().firstValue("Location").orElseThrow());
        String forged = url("/callback?") + callback.getRawQuery().replaceAll("state=[^&]+", "state=forged");
        HttpResponse<String> response = browser.get(forged);
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("state mismatch"));
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isEmpty());
    }

    @Test
    @DisplayName("a callback in a browser that did not start the login (login CSRF)")
    void callbackWithoutTheLoginCookie() {
        start();
        HttpResponse<String> toIdp = browser.get(url("/login"));
        HttpResponse<String> fromIdp = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
        Browser victim = new Browser();
        HttpResponse<String> response = victim.get(fromIdp.headers().firstValue("Location").orElseThrow());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("no matching start in this browser"));
        assertTrue(victim.cookies().get(SessionManager.COOKIE).isEmpty());
    }

    @Test
    @DisplayName("a replayed callback")
    void replayedCallback() {
        start();
        HttpResponse<String> toIdp = browser.get(url("/login"));
        HttpResponse<String> fromIdp = browser.get(toIdp.headers().firstValue("Location").orElseThrow());
        String callback = fromIdp.headers().firstValue("Location").orElseThrow();
        Browser attacker = new Browser();
        browser.copyCookiesTo(attacker);
        assertEquals(302, browser.get(callback).statusCode());
        HttpResponse<String> replay = attacker.get(callback);
        assertEquals(400, replay.statusCode());
        assertTrue(attacker.cookies().get(SessionManager.COOKIE).isEmpty());
    }

    @Test
    @DisplayName("a login that took too long")
    void expiredLoginState() throws Exception {
        start();
        HttpResponse<String> toIdp = browser.get(url("/login"));
        String cookie = browser.lastLoginCookie().orElseThrow().value();
        // Opened with a clock past the login timeout, the same sealed state is no longer valid.
        var later = new dev.oidcsso.oidc.LoginFlow(sso.settings(), null, null,
                dev.oidcsso.crypto.SealingKey.fromSecret(dev.oidcsso.config.Secret.of(JdkServerLoginTest.KEY)),
                java.time.Clock.fixed(Instant.now().plus(Duration.ofMinutes(11)), java.time.ZoneOffset.UTC));
        assertTrue(later.openState(cookie).isEmpty());
        assertEquals(302, toIdp.statusCode());
    }

    @Test
    @DisplayName("logout goes to end_session_endpoint with id_token_hint, client_id and post_logout_redirect_uri")
    void rpInitiatedLogout() {
        start();
        assertLoggedIn("hello alice via session at /home");
        HttpResponse<String> local = browser.signOut(url(""));
        assertTrue(local.headers().firstValue("Location").orElseThrow().startsWith(op.endSessionEndpoint().toString()));
        assertTrue(browser.cookies().get(SessionManager.COOKIE).isEmpty());
        HttpResponse<String> atIdp = browser.get(local.headers().firstValue("Location").orElseThrow());
        RecordedRequest logout = op.lastRequest("/logout").orElseThrow();
        assertTrue(logout.queryParam("id_token_hint").isPresent());
        assertEquals(op.clientId(), logout.queryParam("client_id").orElseThrow());
        assertEquals(url("/"), logout.queryParam("post_logout_redirect_uri").orElseThrow());
        assertEquals(url("/"), atIdp.headers().firstValue("Location").orElseThrow(), "the IdP sends the browser back");
    }
}
