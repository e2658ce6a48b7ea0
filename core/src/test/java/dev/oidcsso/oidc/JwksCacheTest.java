package dev.oidcsso.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.stub.StubHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Key rotation, forged {@code kid}s and JWKS outages, against a real JWKS endpoint on a local HTTP
 * server, with a clock the test moves.
 */
class JwksCacheTest {

    private static final String CLIENT = "jwks-client";
    private static final String NONCE = "n-0S6_WzA2Mj";

    private final StubHttpServer server = StubHttpServer.start();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<JWK> published = new CopyOnWriteArrayList<>();
    private volatile int failWith;
    private final RSAKey forger = rsa();
    private final TokenValidator validator;
    private final DiscoveredProvider provider;
    private final String issuer = server.base().toString();

    JwksCacheTest() throws Exception {
        server.route("GET", "/jwks", request -> failWith != 0
                ? StubHttpServer.Response.text(failWith, "JWKS outage (test)")
                : StubHttpServer.Response.json(new JWKSet(new ArrayList<>(published)).toPublicJWKSet().toJSONObject()));
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(issuer), List.of(SubjectType.PUBLIC),
                URI.create(issuer + "/jwks"));
        JwksCache keys = new JwksCache(URI.create(issuer + "/jwks").toURL(), new DefaultResourceRetriever(2000, 2000, 512 * 1024),
                clock, JwksCache.Policy.DEFAULT);
        provider = new DiscoveredProvider(metadata, keys, Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256));
        validator = new TokenValidator(OidcSettings.builder().discoveryUrl(issuer + "/.well-known/openid-configuration")
                .client(CLIENT, "jwks-secret").build(), clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRotationIsSeenByTheNextLoginWhileForgedBearerTokensKeepComing() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        assertEquals("alice", validator.validateIdToken(provider, idToken(first), NONCE).getSubject());
        assertEquals(1, jwksFetches());

        RSAKey attacker = forger;
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 50; i++) {
            assertEquals(401, assertThrows(TokenValidationException.class,
                    () -> validator.validateBearer(provider, accessToken(rsa(attacker, "forged-" + UUID.randomUUID())), List.of(CLIENT))).status());
        }
        assertEquals(2, jwksFetches(), "fifty forged kids in one moment cause one fetch");

        RSAKey second = rsa();
        published.add(0, second);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            assertThrows(TokenValidationException.class,
                    () -> validator.validateBearer(provider, accessToken(rsa(attacker, "forged-" + UUID.randomUUID())), List.of(CLIENT)));
        }
        assertEquals(2, jwksFetches(), "the bearer budget is spent");
        assertEquals("alice", validator.validateIdToken(provider, idToken(second), NONCE).getSubject(),
                "the login with the new key succeeds although forged tokens spent the bearer budget");
        assertEquals(3, jwksFetches());
    }

    @Test
    void aLoginRightAfterABearerTriggeredFetchWaitsOutTheFloorAndSucceeds() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateIdToken(provider, idToken(first), NONCE);
        clock.advance(Duration.ofSeconds(1));
        assertThrows(TokenValidationException.class,
                () -> validator.validateBearer(provider, accessToken(rsa(forger, "forged")), List.of(CLIENT)));
        assertEquals(2, jwksFetches());
        RSAKey second = rsa();
        published.add(0, second);
        // Same instant as the bearer-caused fetch: the login waits out the 1 s floor, then fetches.
        assertEquals("alice", validator.validateIdToken(provider, idToken(second), NONCE).getSubject());
        assertEquals(3, jwksFetches());
    }

    @Test
    void severalKeyChangesInARowAreAllSeen() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateIdToken(provider, idToken(first), NONCE);

        RSAKey second = rsa();
        published.add(0, second);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("alice", validator.validateIdToken(provider, idToken(second), NONCE).getSubject());

        ECKey third = new ECKeyGenerator(Curve.P_256).keyID("ec-" + UUID.randomUUID()).generate();
        published.add(0, third);
        clock.advance(Duration.ofSeconds(1));
        assertEquals("alice", validator.validateIdToken(provider, sign(third, JWSAlgorithm.ES256, idClaims()), NONCE).getSubject());
        assertEquals("alice", validator.validateBearer(provider, sign(third, JWSAlgorithm.ES256, bearerClaims()), List.of(CLIENT))
                .getSubject(), "a bearer token with the newest key verifies without a fetch");
        assertEquals(3, jwksFetches());
    }

    @Test
    void bearerTokensRefetchAtMostOncePerIntervalAndALegitimateNewKeyIsSeenAfterIt() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateBearer(provider, accessToken(first), List.of(CLIENT));
        assertEquals(1, jwksFetches());
        clock.advance(Duration.ofSeconds(5));
        RSAKey second = rsa();
        published.add(0, second);
        for (int i = 0; i < 20; i++) {
            assertThrows(TokenValidationException.class,
                    () -> validator.validateBearer(provider, accessToken(rsa(forger, "forged-" + UUID.randomUUID())), List.of(CLIENT)));
        }
        clock.advance(Duration.ofSeconds(4));
        assertThrows(TokenValidationException.class,
                () -> validator.validateBearer(provider, accessToken(rsa(forger, "forged-late")), List.of(CLIENT)));
        assertEquals(2, jwksFetches(), "twenty-one forged kids within five seconds cause one fetch");
        assertEquals("alice", validator.validateBearer(provider, accessToken(second), List.of(CLIENT)).getSubject(),
                "the forged tokens' fetch already saw the new key");
        RSAKey third = rsa();
        published.add(0, third);
        assertEquals(401, assertThrows(TokenValidationException.class,
                () -> validator.validateBearer(provider, accessToken(third), List.of(CLIENT))).status(),
                "the bearer budget is spent for this interval");
        clock.advance(Duration.ofSeconds(1));
        assertEquals("alice", validator.validateBearer(provider, accessToken(third), List.of(CLIENT)).getSubject(),
                "five seconds later a bearer token may cause a fetch again");
        assertEquals(3, jwksFetches());
    }

    @Test
    void concurrentLoginsWithANewKeyShareOneFetch() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateIdToken(provider, idToken(first), NONCE);
        RSAKey second = rsa();
        published.add(0, second);
        clock.advance(Duration.ofSeconds(1));
        String token = idToken(second);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return validator.validateIdToken(provider, token, NONCE).getSubject();
                }));
            }
            go.countDown();
            for (Future<String> result : results) {
                assertEquals("alice", result.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, jwksFetches());
    }

    @Test
    void afterAJwksOutageTheRotatedKeyIsAcceptedOnTheNextLogin() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateIdToken(provider, idToken(first), NONCE);
        failWith = 500;
        RSAKey second = rsa();
        published.add(0, second);
        clock.advance(Duration.ofSeconds(1));
        ProviderUnavailableException outage = assertThrows(ProviderUnavailableException.class,
                () -> validator.validateIdToken(provider, idToken(second), NONCE));
        assertEquals(503, outage.status());
        assertTrue(outage.getMessage().contains("cannot be fetched"), outage.getMessage());
        assertEquals("alice", validator.validateIdToken(provider, idToken(first), NONCE).getSubject(),
                "cached keys still verify during the outage");

        failWith = 0;
        clock.advance(Duration.ofSeconds(1));
        assertEquals("alice", validator.validateIdToken(provider, idToken(second), NONCE).getSubject());
    }

    @Test
    void pastTheOutageToleranceLoginsAndBearerTokensGet503NotA401() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateIdToken(provider, idToken(first), NONCE);
        failWith = 503;
        clock.advance(Duration.ofHours(11));
        assertEquals("alice", validator.validateIdToken(provider, idToken(first), NONCE).getSubject(),
                "stale keys are used within the tolerance");
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertEquals(503, assertThrows(ProviderUnavailableException.class,
                () -> validator.validateIdToken(provider, idToken(first), NONCE)).status());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(503, assertThrows(ProviderUnavailableException.class,
                () -> validator.validateBearer(provider, accessToken(first), List.of(CLIENT))).status());
        failWith = 0;
        clock.advance(Duration.ofSeconds(1));
        assertEquals("alice", validator.validateIdToken(provider, idToken(first), NONCE).getSubject());
    }

    @Test
    void anExpiredCacheIsRefreshedAndAFailedRefreshKeepsTheKeys() throws Exception {
        RSAKey first = rsa();
        published.add(first);
        validator.validateBearer(provider, accessToken(first), List.of(CLIENT));
        clock.advance(Duration.ofMinutes(16));
        failWith = 500;
        assertEquals("alice", validator.validateBearer(provider, accessToken(first), List.of(CLIENT)).getSubject());
        assertEquals(2, jwksFetches());
        for (int i = 0; i < 10; i++) {
            validator.validateBearer(provider, accessToken(first), List.of(CLIENT));
        }
        assertEquals(2, jwksFetches(), "a failed refresh is retried after the bearer interval, not per request");
        clock.advance(Duration.ofSeconds(5));
        failWith = 0;
        validator.validateBearer(provider, accessToken(first), List.of(CLIENT));
        assertEquals(3, jwksFetches());
        validator.validateBearer(provider, accessToken(first), List.of(CLIENT));
        assertEquals(3, jwksFetches(), "fresh again");
    }

    @Test
    void aKidReKeyedAtTheIdpIsNotServedFromTheLastSelection() throws Exception {
        RSAKey old = rsa(rsa(), "same-kid");
        published.add(old);
        assertEquals("alice", validator.validateBearer(provider, accessToken(old), List.of(CLIENT)).getSubject());
        assertEquals("alice", validator.validateBearer(provider, accessToken(old), List.of(CLIENT)).getSubject());
        RSAKey replacement = rsa(rsa(), "same-kid");
        published.clear();
        published.add(replacement);
        clock.advance(Duration.ofMinutes(16)); // past the keys' time to live: the next use fetches them again
        assertThrows(TokenValidationException.class, () -> validator.validateBearer(provider, accessToken(old), List.of(CLIENT)),
                "the old key's token, with the very same header, is refused once the IdP re-keyed that kid");
        assertEquals(2, jwksFetches());
        assertEquals("alice", validator.validateBearer(provider, accessToken(replacement), List.of(CLIENT)).getSubject());
    }

    private int jwksFetches() {
        return server.requests("/jwks").size();
    }

    private static RSAKey rsa() throws JOSEException {
        return new RSAKeyGenerator(2048).keyID("rsa-" + UUID.randomUUID()).generate();
    }

    private static RSAKey rsa(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    private JWTClaimsSet.Builder common() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience(CLIENT)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofDays(1))));
    }

    private JWTClaimsSet idClaims() {
        return common().claim("nonce", NONCE).build();
    }

    private JWTClaimsSet bearerClaims() {
        return common().build();
    }

    private String idToken(RSAKey key) throws JOSEException {
        return sign(key, JWSAlgorithm.RS256, idClaims());
    }

    private String accessToken(RSAKey key) throws JOSEException {
        return sign(key, JWSAlgorithm.RS256, bearerClaims());
    }

    private static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner(key.toRSAKey()));
        return jwt.serialize();
    }
}
