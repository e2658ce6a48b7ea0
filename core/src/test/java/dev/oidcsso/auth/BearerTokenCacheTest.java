package dev.oidcsso.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.identity.ClaimGroupDetector;
import dev.oidcsso.identity.IdTokenIdentitySource;
import dev.oidcsso.identity.IdentityResolver;
import dev.oidcsso.identity.RoleDecision;
import dev.oidcsso.identity.NoIdentityValidator;
import dev.oidcsso.oidc.DiscoveredProvider;
import dev.oidcsso.spi.PluginSettings;
import dev.oidcsso.oidc.ProviderConnection;
import dev.oidcsso.oidc.TokenValidationException;
import dev.oidcsso.oidc.TokenValidator;
import dev.oidcsso.config.SessionSettings;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.TestRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verified-bearer cache: a token verified twice is kept and not verified again, yet its {@code exp} and
 * {@code nbf} are checked on every request, entries are bounded, and a key the IdP drops takes its
 * cached tokens with it.
 */
class BearerTokenCacheTest {

    private static final String ISSUER = "https://idp.example.com";
    private static final Instant START = Instant.parse("2026-11-29T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final AtomicReference<JWKSet> published = new AtomicReference<>();
    private final AtomicInteger keyLookups = new AtomicInteger();
    private RSAKey key;
    private OidcSettings settings;
    private DiscoveredProvider provider;
    private ProviderConnection connection;

    @BeforeEach
    void start() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        published.set(new JWKSet(key.toPublicJWK()));
        JWKSource<SecurityContext> keys = (selector, context) -> {
            keyLookups.incrementAndGet();
            return selector.select(published.get());
        };
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(ISSUER), List.of(SubjectType.PUBLIC),
                URI.create(ISSUER + "/jwks"));
        provider = new DiscoveredProvider(metadata, keys, Set.of(JWSAlgorithm.RS256));
        settings = OidcSettings.builder().discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration")
                .client("api", "api-secret").secretKey("bearer-cache-test-secret-key-0123456789").build();
        connection = new ProviderConnection(() -> provider).start();
    }

    @AfterEach
    void stop() {
        connection.close();
    }

    private BearerAuthenticator authenticator(BearerTokenCache cache) {
        IdentityResolver identities = new IdentityResolver(settings, new IdTokenIdentitySource.Factory().create(PluginSettings.empty()),
                new NoIdentityValidator.Factory().create(PluginSettings.empty()), new ClaimGroupDetector("groups"),
                new RoleDecision(settings.adminGroups(), settings.userGroups()));
        return new BearerAuthenticator(connection, new TokenValidator(settings, clock), identities, List.of("api"),
                new Accounts(Optional.empty(), clock, SessionSettings.DEFAULT_GROUPS_MAX_STALENESS), cache);
    }

    private String token(String subject, Instant notBefore, Instant expiry) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject(subject).audience("api").claim("preferred_username", subject).claim("groups", List.of("mlflow"))
                .issueTime(Date.from(START)).notBeforeTime(Date.from(notBefore)).expirationTime(Date.from(expiry)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static WebRequest bearer(String token) {
        return TestRequest.get("/api/experiments").withHeader("Authorization", "Bearer " + token);
    }

    @Test
    void aTokenVerifiedTwiceIsKeptAndAnswersTheSamePrincipal() throws Exception {
        BearerTokenCache cache = new BearerTokenCache();
        BearerAuthenticator bearer = authenticator(cache);
        String token = token("alice", START, START.plus(Duration.ofHours(1)));
        Principal first = bearer.authenticate(bearer(token)).orElseThrow();
        assertEquals(0, cache.size(), "a token seen once is only noted");
        int lookupsAfterFirst = keyLookups.get();
        Principal second = bearer.authenticate(bearer(token)).orElseThrow();
        assertTrue(keyLookups.get() > lookupsAfterFirst, "the second use is verified again, then kept");
        assertEquals(1, cache.size());
        int lookupsAfterSecond = keyLookups.get();
        Principal third = bearer.authenticate(bearer(token)).orElseThrow();
        assertEquals(first, second);
        assertEquals(second, third);
        assertEquals("alice", third.username());
        assertEquals(List.of("mlflow"), third.groups());
        assertEquals(AuthMethod.BEARER, third.method());
        assertEquals(lookupsAfterSecond, keyLookups.get(), "the third use needed no key: it was not verified again");
        assertEquals(1, cache.size());
    }

    @Test
    void tokensSeenOnceAreNotKeptEvenWhenTheyFillTheNotesTable() throws Exception {
        BearerTokenCache cache = new BearerTokenCache(5, Duration.ofMinutes(5));
        BearerAuthenticator bearer = authenticator(cache);
        List<String> tokens = new java.util.ArrayList<>();
        for (int k = 0; k < 200; k++) { // three times the table's 64 slots
            tokens.add(token("user" + k, START, START.plus(Duration.ofHours(1))));
            bearer.authenticate(bearer(tokens.get(k)));
        }
        assertEquals(0, cache.size(), "no token was verified twice");
        String last = tokens.get(199);
        bearer.authenticate(bearer(last));
        assertEquals(1, cache.size(), "the last token's note was still there");
    }

    /**
     * Two tokens whose notes fall in the same slot, used in turn (a job and another client, each repeating its
     * token): with one slot a token, each erased the other's note for ever and neither was ever kept.
     */
    @Test
    void twoTokensOfTheSameNoteSlotUsedInTurnAreBothKept() throws Exception {
        BearerTokenCache cache = new BearerTokenCache(5, Duration.ofMinutes(5)); // 64 slots
        BearerAuthenticator bearer = authenticator(cache);
        java.util.Map<Integer, String> bySlot = new java.util.HashMap<>();
        String first = null;
        String second = null;
        for (int k = 0; first == null; k++) {
            String token = token("user" + k, START, START.plus(Duration.ofHours(1)));
            BearerTokenCache.Digest digest = cache.digest(token);
            String earlier = bySlot.putIfAbsent(digest.hashCode() & 63, token);
            if (earlier != null && (cache.digest(earlier).otherHash() & 63) != (digest.otherHash() & 63)) {
                first = earlier;
                second = token;
            }
        }
        for (int round = 0; round < 3; round++) {
            bearer.authenticate(bearer(first)).orElseThrow();
            bearer.authenticate(bearer(second)).orElseThrow();
        }
        assertEquals(2, cache.size(), "both tokens are kept by their third use");
    }

    /**
     * The same two tokens in turn, on a table that every slot's note fills already (its steady state on an API that
     * sees tokens once: notes are removed only when their token is kept). With no free slot, a fixed choice of which
     * of its two slots a token overwrites (the print's lowest bit, as first written) made two tokens of the same chosen
     * slot erase each other's note for ever, as with one slot a token (about one pair in n); the pair below is such a
     * pair.
     */
    @Test
    void twoTokensInTurnAreBothKeptOnceTheNotesTableIsFull() throws Exception {
        BearerTokenCache cache = new BearerTokenCache(5, Duration.ofMinutes(5)); // 64 slots
        BearerAuthenticator bearer = authenticator(cache);
        // A token seen once whose first slot is free is noted there: one such token per slot fills every slot.
        java.util.Map<Integer, String> fillers = new java.util.HashMap<>();
        java.util.Map<Integer, String> byChosenSlot = new java.util.HashMap<>();
        String first = null;
        String second = null;
        for (int k = 0; fillers.size() < 64 || first == null; k++) {
            String token = token("user" + k, START, START.plus(Duration.ofHours(1)));
            BearerTokenCache.Digest digest = cache.digest(token);
            if (fillers.putIfAbsent(digest.hashCode() & 63, token) != null && first == null) {
                // The slot the fixed choice overwrote for such a token when both of its slots held notes.
                int chosen = ((digest.fingerprint() & 1) == 0 ? digest.hashCode() : digest.otherHash()) & 63;
                String earlier = byChosenSlot.putIfAbsent(chosen, token);
                if (earlier != null) {
                    first = earlier;
                    second = token;
                }
            }
        }
        for (String filler : fillers.values()) {
            bearer.authenticate(bearer(filler)).orElseThrow();
        }
        assertEquals(0, cache.size(), "a token seen once is only noted");
        // Each round, a token's note survives the other's write with a chance of at least 3/4 (the coin): both are
        // kept within sixteen uses each but once in about a billion runs.
        for (int round = 0; round < 16; round++) {
            bearer.authenticate(bearer(first)).orElseThrow();
            bearer.authenticate(bearer(second)).orElseThrow();
        }
        assertEquals(2, cache.size(), "both tokens are kept within sixteen uses each");
    }

    /** Uses a token twice, so that the cache keeps it. */
    private static void keep(BearerAuthenticator bearer, String token) {
        bearer.authenticate(bearer(token)).orElseThrow();
        bearer.authenticate(bearer(token)).orElseThrow();
    }

    @Test
    void expiryIsCheckedOnEveryRequest() throws Exception {
        BearerAuthenticator bearer = authenticator(new BearerTokenCache());
        String token = token("alice", START, START.plus(Duration.ofMinutes(2)));
        keep(bearer, token);
        clock.advance(Duration.ofMinutes(2).plus(settings.clockSkew()));
        TokenValidationException refused = assertThrows(TokenValidationException.class, () -> bearer.authenticate(bearer(token)));
        assertTrue(refused.getMessage().contains("expired"), refused.getMessage());
    }

    @Test
    void notBeforeIsCheckedOnEveryRequest() throws Exception {
        BearerAuthenticator bearer = authenticator(new BearerTokenCache());
        Instant notBefore = START.plus(Duration.ofMinutes(10));
        String token = token("alice", notBefore, START.plus(Duration.ofHours(1)));
        clock.set(notBefore);
        keep(bearer, token);
        clock.set(START); // a clock set back: the cached token is not valid yet
        TokenValidationException refused = assertThrows(TokenValidationException.class, () -> bearer.authenticate(bearer(token)));
        assertTrue(refused.getMessage().contains("not valid before"), refused.getMessage());
    }

    @Test
    void aKeyTheIdpDropsTakesItsCachedTokensWithIt() throws Exception {
        BearerTokenCache cache = new BearerTokenCache(100, Duration.ofMinutes(5), Duration.ZERO);
        BearerAuthenticator bearer = authenticator(cache);
        String token = token("alice", START, START.plus(Duration.ofHours(1)));
        keep(bearer, token);
        assertEquals(1, cache.size());
        RSAKey next = new RSAKeyGenerator(2048).keyID("k2").generate();
        published.set(new JWKSet(List.<JWK>of(next.toPublicJWK())));
        assertThrows(TokenValidationException.class, () -> bearer.authenticate(bearer(token)));
        assertEquals(0, cache.size());
    }

    @Test
    void theDropHookEmptiesTheKeysEntriesAtOnce() throws Exception {
        BearerTokenCache cache = new BearerTokenCache();
        BearerAuthenticator bearer = authenticator(cache);
        String token = token("alice", START, START.plus(Duration.ofHours(1)));
        keep(bearer, token);
        keep(bearer, token("bob", START, START.plus(Duration.ofHours(1))));
        assertEquals(2, cache.size());
        cache.dropKey("other-kid");
        assertEquals(2, cache.size());
        cache.dropKey("k1");
        assertEquals(0, cache.size());
        int lookups = keyLookups.get();
        assertEquals("alice", bearer.authenticate(bearer(token)).orElseThrow().username());
        assertTrue(keyLookups.get() > lookups, "a dropped entry is verified again");
    }

    @Test
    void theCacheIsBounded() throws Exception {
        BearerTokenCache cache = new BearerTokenCache(5, Duration.ofMinutes(5));
        BearerAuthenticator bearer = authenticator(cache);
        for (int k = 0; k < 50; k++) {
            keep(bearer, token("user" + k, START, START.plus(Duration.ofHours(1))));
        }
        assertTrue(cache.size() <= 5, "the cache holds " + cache.size() + " tokens");
    }

    @Test
    void aTamperedTokenIsNotTheCachedOne() throws Exception {
        BearerAuthenticator bearer = authenticator(new BearerTokenCache());
        String token = token("alice", START, START.plus(Duration.ofHours(1)));
        keep(bearer, token);
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThrows(TokenValidationException.class, () -> bearer.authenticate(bearer(tampered)));
    }

    @Test
    void anotherDiscoveryOfTheProviderVerifiesAgain() throws Exception {
        BearerTokenCache cache = new BearerTokenCache();
        String token = token("alice", START, START.plus(Duration.ofHours(1)));
        TokenValidator validator = new TokenValidator(settings, clock);
        BearerTokenCache.Digest digest = cache.digest(token);
        var verified = validator.verifyBearer(provider, token, List.of("api"));
        cache.put(digest, verified, new Principal("alice", List.of(), false, AuthMethod.BEARER, Optional.empty()), provider,
                validator.remainingLifetime(verified));
        assertTrue(cache.find(digest, provider, validator).isPresent());
        DiscoveredProvider rediscovered = new DiscoveredProvider(provider.metadata(), provider.keys(), provider.algorithms());
        assertTrue(cache.find(digest, rediscovered, validator).isEmpty());
        assertEquals(cache.digest(token), digest, "the digest of the same token is the same key");
    }
}
