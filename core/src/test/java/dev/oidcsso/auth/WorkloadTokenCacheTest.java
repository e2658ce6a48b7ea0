package dev.oidcsso.auth;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.WorkloadSettings;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.spi.support.JsonHttp;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.StubServer;
import dev.oidcsso.testing.stub.StubKeys;
import dev.oidcsso.testing.TestRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verified workload tokens are cached as the IdP's bearer tokens are: a repeated token is not
 * verified again, its expiry is checked on every request, and it is dropped once its key leaves the
 * issuer's JWKS. The issuer is a local server with a discovery document and a JWKS whose keys rotate.
 */
class WorkloadTokenCacheTest {

    static final String AUDIENCE = "https://mlflow.example.com";

    final MutableClock clock = MutableClock.atNow();
    final AtomicReference<StubKeys> keys = new AtomicReference<>(StubKeys.generate());
    StubServer issuer;
    WorkloadAuthenticator workloads;

    @BeforeEach
    void start() {
        issuer = StubServer.start();
        issuer.on("/.well-known/openid-configuration", (exchange, request) -> StubServer.respond(exchange, 200, "application/json",
                JSONObjectUtils.toJSONString(Map.of("issuer", issuerUrl(), "jwks_uri", issuer.url("/jwks")))));
        issuer.on("/jwks", (exchange, request) -> StubServer.respond(exchange, 200, "application/json",
                JSONObjectUtils.toJSONString(keys.get().jwks())));
        WorkloadSettings settings = OidcSettings.builder().discoveryUrl("https://idp.example/.well-known/openid-configuration")
                .client("app", "secret").setAll(Map.of("OIDC_WORKLOAD_ISSUERS", "ci", "OIDC_WORKLOAD_CI_ISSUER", issuerUrl(),
                        "OIDC_WORKLOAD_CI_AUDIENCE", AUDIENCE, "OIDC_WORKLOAD_CI_CLAIMS", "repository=octo-org/octo-repo",
                        "OIDC_WORKLOAD_CI_USER", "ci-deploy")).build().workloads();
        workloads = new WorkloadAuthenticator(settings, JsonHttp.create(Duration.ofSeconds(5)), Duration.ofSeconds(5),
                new Accounts(Optional.empty()), new RoleDecision(List.of("mlflow-admin"), List.of("mlflow")), clock,
                Duration.ofSeconds(60));
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    String issuerUrl() {
        String base = issuer.baseUrl().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    String token(Duration lifetime) {
        Instant now = clock.instant();
        return keys.get().sign(new JWTClaimsSet.Builder().issuer(issuerUrl()).audience(AUDIENCE).subject("repo:octo-org/octo-repo")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime))).claim("repository", "octo-org/octo-repo")
                .build());
    }

    Optional<Principal> authenticate(String token) {
        return workloads.authenticate(TestRequest.get("/api").withHeader("Authorization", "Bearer " + token));
    }

    @Test
    void aRepeatedTokenIsCachedAndAnswersTheSamePrincipal() {
        String token = token(Duration.ofMinutes(10));
        Principal first = authenticate(token).orElseThrow();
        assertEquals("ci-deploy", first.username());
        assertEquals(1, workloads.cachedTokens());
        int jwksFetches = issuer.requests().size();
        assertEquals(first, authenticate(token).orElseThrow());
        assertEquals(jwksFetches, issuer.requests().size());
        assertEquals(1, workloads.cachedTokens());
    }

    @Test
    void expiryIsCheckedOnEveryRequest() {
        String token = token(Duration.ofMinutes(2));
        assertEquals("ci-deploy", authenticate(token).orElseThrow().username());
        clock.advance(Duration.ofMinutes(3).plusSeconds(1));
        TokenValidationException refused = assertThrows(TokenValidationException.class, () -> authenticate(token));
        assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
        assertEquals(0, workloads.cachedTokens(), "an expired token leaves the cache");
    }

    @Test
    void aTokenIsDroppedOnceItsKeyLeavesTheIssuersJwks() {
        String token = token(Duration.ofHours(1));
        assertEquals("ci-deploy", authenticate(token).orElseThrow().username());
        keys.set(StubKeys.generate());
        // Past the key set's time to live, the issuer's JWKS is fetched again and no longer has the key.
        clock.advance(Duration.ofMinutes(16));
        // The published key is checked at most once a second per key: poll until that second has passed.
        Poll.until(() -> {
            try {
                authenticate(token);
                return false;
            } catch (TokenValidationException e) {
                return true;
            }
        }, "the cached token refused once its key left the JWKS");
        assertEquals(0, workloads.cachedTokens());
    }
}
