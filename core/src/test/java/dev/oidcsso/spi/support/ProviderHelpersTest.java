package dev.oidcsso.spi.support;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.stub.StubHttpServer;
import dev.oidcsso.testing.stub.StubKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The helpers provider modules share: JSON over HTTP, the JWT-bearer grant, PEM keys, issuer templates. */
class ProviderHelpersTest {

    final StubHttpServer server = StubHttpServer.start();
    final JsonHttp http = JsonHttp.create(Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void getsJsonWithABearerTokenAndPostsForms() {
        server.route("GET", "/me", r -> StubHttpServer.Response.json(Map.of("auth", r.bearer().orElse("-"))));
        server.route("POST", "/token", r -> StubHttpServer.Response.json(r.form()));
        assertEquals(Map.of("auth", "t0k3n"), http.getWithBearer(server.url("/me"), "t0k3n"));
        assertEquals(Map.of("a", "1 2", "b", "x&y"), http.postForm(server.url("/token"), Map.of("a", "1 2", "b", "x&y")));
    }

    @Test
    void errorsNameTheCallAndTheServersErrorButNeverTheQueryOrToken() {
        server.route("GET", "/graph", r -> StubHttpServer.Response.json(403, Map.of("error",
                Map.of("code", "Authorization_RequestDenied", "message", "Insufficient privileges"))));
        server.route("POST", "/oauth", r -> StubHttpServer.Response.json(400, Map.of("error", "invalid_grant",
                "error_description", "Invalid JWT Signature.")));
        server.route("GET", "/html", r -> StubHttpServer.Response.text(200, "<html>"));
        JsonHttpException graph = assertThrows(JsonHttpException.class,
                () -> http.getWithBearer(server.url("/graph?userKey=jane@example.com"), "secret-token"));
        assertEquals(403, graph.remoteStatus());
        assertEquals("GET " + server.base() + "/graph answered 403 (Authorization_RequestDenied: Insufficient privileges)",
                graph.getMessage());
        assertFalse(graph.getMessage().contains("secret-token") || graph.getMessage().contains("jane"));
        JsonHttpException oauth = assertThrows(JsonHttpException.class, () -> http.postForm(server.url("/oauth"), Map.of()));
        assertTrue(oauth.getMessage().endsWith("answered 400 (invalid_grant: Invalid JWT Signature.)"), oauth.getMessage());
        assertTrue(assertThrows(JsonHttpException.class, () -> http.get(server.url("/html"))).getMessage()
                .endsWith("without a JSON object"));
        server.close();
        assertEquals(0, assertThrows(JsonHttpException.class, () -> http.get(server.url("/gone"))).remoteStatus());
    }

    @Test
    void theJwtBearerGrantSignsItsAssertionAndCachesTheToken() throws Exception {
        StubKeys keys = StubKeys.generate();
        AtomicInteger issued = new AtomicInteger();
        server.route("POST", "/token", r -> {
            try {
                SignedJWT assertion = SignedJWT.parse(r.form().get("assertion"));
                assertTrue(assertion.verify(new RSASSAVerifier(keys.key().toRSAPublicKey())));
                assertEquals("sa@demo.iam.gserviceaccount.com", assertion.getJWTClaimsSet().getIssuer());
                assertEquals("admin@example.com", assertion.getJWTClaimsSet().getSubject());
                assertEquals(List.of(server.url("/token").toString()), assertion.getJWTClaimsSet().getAudience());
                assertEquals("scope.a scope.b", assertion.getJWTClaimsSet().getStringClaim("scope"));
                assertEquals("kid-1", assertion.getHeader().getKeyID());
                assertEquals(JwtBearerGrant.GRANT_TYPE, r.form().get("grant_type"));
            } catch (Exception e) {
                return StubHttpServer.Response.json(400, Map.of("error", "invalid_grant", "error_description", e.toString()));
            }
            return StubHttpServer.Response.json(Map.of("access_token", "token-" + issued.incrementAndGet(), "expires_in", 3600));
        });
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        JwtBearerGrant grant = JwtBearerGrant.builder().tokenEndpoint(server.url("/token"))
                .issuer("sa@demo.iam.gserviceaccount.com").subject("admin@example.com")
                .scopes(List.of("scope.a", "scope.b")).signingKey(PemKeys.rsaPrivateKey(keys.privateKeyPem()), "kid-1")
                .http(http).clock(clock).build();

        assertEquals("token-1", grant.accessToken());
        clock.advance(Duration.ofMinutes(58));
        assertEquals("token-1", grant.accessToken());
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertEquals("token-2", grant.accessToken(), "renewed a minute before expiry");
        grant.invalidate();
        assertEquals("token-3", grant.accessToken());
    }

    @Test
    void pemKeysRefuseWhatIsNotAPkcs8RsaKey() {
        assertEquals("not a PEM 'PRIVATE KEY' (PKCS#8) block",
                assertThrows(IllegalArgumentException.class, () -> PemKeys.rsaPrivateKey("-----BEGIN RSA PRIVATE KEY-----")).getMessage());
        assertEquals("not an RSA private key in PKCS#8 form", assertThrows(IllegalArgumentException.class,
                () -> PemKeys.rsaPrivateKey("-----BEGIN PRIVATE KEY-----\n!!\n-----END PRIVATE KEY-----")).getMessage());
    }
}
