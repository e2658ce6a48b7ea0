package dev.oidcsso.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of Back-Channel Logout 1.0 §2.6, one token breaking it at a time. */
class LogoutTokenValidatorTest {

    private static final String ISSUER = "https://idp.example.com/realms/test";
    private static final String CLIENT = "app";
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static RSAKey key;
    private static RSAKey otherKey;
    private static DiscoveredProvider provider;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        OIDCProviderMetadata metadata = new OIDCProviderMetadata(new Issuer(ISSUER), List.of(SubjectType.PUBLIC),
                URI.create(ISSUER + "/certs"));
        provider = new DiscoveredProvider(metadata, new ImmutableJWKSet<SecurityContext>(new JWKSet(key.toPublicJWK())),
                Set.of(JWSAlgorithm.RS256));
    }

    private final LogoutTokenValidator validator = new LogoutTokenValidator(CLIENT, Duration.ofSeconds(60),
            Clock.fixed(NOW, ZoneOffset.UTC), CallbackReplayGuard.inMemory(Duration.ofMinutes(10)),
            (p, claims) -> p.issuer().equals(claims.getIssuer()));

    private static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(CLIENT).subject("user-1").claim("sid", "s-1")
                .issueTime(Date.from(NOW.minusSeconds(5))).expirationTime(Date.from(NOW.plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString())
                .claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of()));
    }

    private static String sign(JWTClaimsSet claims, RSAKey with, JOSEObjectType type) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID());
        if (type != null) {
            header.type(type);
        }
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    private static String token(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        return sign(change.apply(valid()).build(), key, LogoutTokenValidator.LOGOUT_JWT);
    }

    private String refusal(String token) {
        return assertThrows(LogoutTokenException.class, () -> validator.validate(provider, token)).getMessage();
    }

    @Test
    void aValidTokenNamesTheIssuerSubjectAndSession() throws Exception {
        LogoutTokenValidator.LogoutRequest request = validator.validate(provider, token(b -> b));
        assertEquals(new LogoutTokenValidator.LogoutRequest(ISSUER, Optional.of("user-1"), Optional.of("s-1")), request);
    }

    @Test
    void typJwtOrNoTypIsAcceptedAndAnotherTypIsNot() throws Exception {
        validator.validate(provider, sign(valid().build(), key, JOSEObjectType.JWT));
        validator.validate(provider, sign(valid().build(), key, null));
        assertEquals("the logout_token's signature or type was refused: JOSE header typ (type) at+jwt not allowed",
                refusal(sign(valid().build(), key, new JOSEObjectType("at+jwt"))));
    }

    @Test
    void signatureAndAlgorithmAreChecked() throws Exception {
        assertEquals("the logout_token's signature or type was refused: Signed JWT rejected: Invalid signature",
                refusal(sign(valid().build(), otherKey, LogoutTokenValidator.LOGOUT_JWT)));
        assertEquals("the logout_token is unsigned (alg: none); unsigned tokens are never accepted",
                refusal(new PlainJWT(valid().build()).serialize()));
        assertEquals("the logout_token is not a JWT", refusal("not-a-jwt"));
        assertEquals("the logout_token is missing or too long", refusal(""));
        assertEquals("the logout_token is missing or too long", refusal("a".repeat(20_000)));
    }

    @Test
    void issuerAudienceAndTimesAreChecked() throws Exception {
        assertEquals("the logout_token was refused: its issuer is not the identity provider's",
                refusal(token(b -> b.issuer("https://evil.example.com"))));
        assertEquals("the logout_token was refused: its audience does not include this client",
                refusal(token(b -> b.audience("other-app"))));
        assertEquals("the logout_token was refused: it has no issue time (iat)", refusal(token(b -> b.issueTime(null))));
        assertEquals("the logout_token was refused: it was issued in the future",
                refusal(token(b -> b.issueTime(Date.from(NOW.plusSeconds(600))))));
        assertEquals("the logout_token was refused: it has expired",
                refusal(token(b -> b.expirationTime(Date.from(NOW.minusSeconds(120))))));
        assertEquals("the logout_token was refused: it has no expiry (exp) and was issued more than 5 minutes ago",
                refusal(token(b -> b.expirationTime(null).issueTime(Date.from(NOW.minusSeconds(900))))));
        validator.validate(provider, token(b -> b.expirationTime(null)));
    }

    @Test
    void subjectOrSessionEventsNonceAndJtiAreChecked() throws Exception {
        assertEquals("the logout_token was refused: it names neither a subject (sub) nor a session (sid)",
                refusal(token(b -> b.subject(null).claim("sid", null))));
        assertEquals(Optional.empty(), validator.validate(provider, token(b -> b.subject(null))).subject());
        assertEquals(Optional.empty(), validator.validate(provider, token(b -> b.claim("sid", null))).sessionId());
        assertEquals("the logout_token was refused: its events claim does not contain the back-channel logout event",
                refusal(token(b -> b.claim("events", null))));
        assertEquals("the logout_token was refused: its events claim does not contain the back-channel logout event",
                refusal(token(b -> b.claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, "yes")))));
        assertEquals("the logout_token was refused: it carries a nonce, which logout tokens must not",
                refusal(token(b -> b.claim("nonce", "n"))));
        assertEquals("the logout_token was refused: it has no token identifier (jti)", refusal(token(b -> b.jwtID(null))));
    }

    @Test
    void aTokenIsAcceptedOnceAndAForgedOneCannotSpendItsJti() throws Exception {
        String jti = UUID.randomUUID().toString();
        // The forged token (wrong key) is refused before its jti is recorded...
        refusal(sign(valid().jwtID(jti).build(), otherKey, LogoutTokenValidator.LOGOUT_JWT));
        // ...so the real one still works, once.
        String real = token(b -> b.jwtID(jti));
        validator.validate(provider, real);
        assertEquals("the logout_token was already used (its jti was seen before)", refusal(real));
    }

    /**
     * A shared store recognises a replay by the pair (until, digest): replicas whose clock skew settings
     * differ (a configuration rollout) must record a token under the same pair, or a replay on the other
     * replica would be a first use there.
     */
    @Test
    void everyReplicaRemembersALogoutTokenUnderTheSameExpiryWhateverItsClockSkewSetting() throws Exception {
        java.util.List<String> recorded = new java.util.ArrayList<>();
        CallbackReplayGuard shared = (state, until) -> {
            String pair = until + " " + state;
            boolean first = !recorded.contains(pair);
            recorded.add(pair);
            return first;
        };
        String once = token(b -> b);
        for (Duration skew : java.util.List.of(Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ZERO)) {
            LogoutTokenValidator replica = new LogoutTokenValidator(CLIENT, skew, Clock.fixed(NOW, ZoneOffset.UTC), shared,
                    (p, claims) -> p.issuer().equals(claims.getIssuer()));
            if (skew.equals(Duration.ofSeconds(60))) {
                replica.validate(provider, once);
            } else {
                assertThrows(LogoutTokenException.class, () -> replica.validate(provider, once), "a replay on a replica with skew " + skew);
            }
        }
        assertTrue(Instant.parse(recorded.get(0).split(" ")[0]).isAfter(NOW.plusSeconds(120).plus(Duration.ofMinutes(4))),
                "kept as long as a replica with the largest allowed skew could accept it: " + recorded.get(0));
    }
}
