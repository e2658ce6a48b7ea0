package dev.oidcsso.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.Base64URL;
import dev.oidcsso.crypto.DecodedBase64URL;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import dev.oidcsso.config.OidcSettings;

import java.security.Key;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Validates ID tokens (OpenID Connect Core 3.1.3.7) and, for API clients, bearer JWTs, following
 * RFC 8725: the signature with the IdP's keys and an allow-list of asymmetric algorithms (so
 * {@code none} and HMAC-with-the-public-key are refused), {@code iss}, {@code aud} and {@code azp},
 * {@code exp} and {@code iat} with a small skew, {@code sub}, and the login's {@code nonce}.
 */
public final class TokenValidator {

    /** The longest token read at all: a longer one is refused before it is parsed. */
    public static final int MAX_TOKEN_LENGTH = 64 * 1024;

    /** The accepted {@code typ} values (none, JWT, RFC 9068's at+jwt); immutable, so made once, not per token. */
    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES = new DefaultJOSEObjectTypeVerifier<>(
            JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null);

    /** More keys than any IdP publishes at once; the memo below never holds more. */
    private static final int MAX_REMEMBERED_KEYS = 64;
    /** How many converted keys are found by identity. */
    private static final int MAX_RECENT_KEYS = 8;

    private final OidcSettings settings;
    private final Clock clock;
    /**
     * Published keys converted to Java keys: the conversion (a key factory per call) costs more
     * than the rest of a bearer check apart from the signature, and a key set changes rarely.
     */
    private final Map<JWK, Key> publicKeys = new ConcurrentHashMap<>();
    /**
     * The last keys converted, found by identity: a key source hands out the same objects until it
     * fetches again, and an identity check is cheaper than hashing and comparing a key.
     */
    private volatile ConvertedKey[] recentKeys = new ConvertedKey[0];
    /** The verification of the tokens IdPs send, or null to send every token through Nimbus's processor. */
    private final LeanJwtProcessor lean;

    private record ConvertedKey(JWK jwk, Key key) {
    }

    /** The accepted audiences as the profile takes them, made again only when a caller passes others. */
    private volatile AudienceSet lastAudiences;

    private record AudienceSet(List<String> list, Set<String> set) {
    }

    /** What a signature check found: the claims, and the keys that were candidates. */
    private record Checked(JWTClaimsSet claims, String keyId, List<Key> keys) {
    }

    /**
     * Creates the validator.
     *
     * @param settings the settings (client id, skew, provider profile)
     * @param clock    the clock
     */
    public TokenValidator(OidcSettings settings, Clock clock) {
        this(settings, clock, true);
    }

    /**
     * Creates the validator, with or without the lean path, for tests that compare the two.
     *
     * @param settings the settings (client id, skew, provider profile)
     * @param clock    the clock
     * @param leanPath whether tokens signed with RS256/RS384/RS512 go through {@link LeanJwtProcessor} first
     */
    TokenValidator(OidcSettings settings, Clock clock, boolean leanPath) {
        this.settings = settings;
        this.clock = clock;
        this.lean = leanPath ? new LeanJwtProcessor(TYPES, this::publicKey) : null;
    }

    /**
     * Validates an ID token received at login.
     *
     * @param provider      the discovered IdP
     * @param idToken       the compact serialized ID token
     * @param expectedNonce the nonce sent in the authorization request
     * @return the validated claims
     * @throws TokenValidationException naming the rule the token broke
     * @throws ProviderUnavailableException when the IdP's keys cannot be fetched
     */
    public JWTClaimsSet validateIdToken(DiscoveredProvider provider, String idToken, String expectedNonce) {
        return verifySignature(provider, idToken, "ID token", TokenOrigin.TOKEN_ENDPOINT,
                (set, context) -> checkClaims(provider, set, List.of(settings.clientId()), true, Optional.of(expectedNonce)), false)
                .claims();
    }

    /**
     * Validates an ID token received from a refresh (OpenID Connect Core 12.2): as at login, but
     * without a nonce to expect. That it names the same issuer, subject, audience and original
     * authentication as the session's ID token is for the caller, which holds that token.
     *
     * @param provider the discovered IdP
     * @param idToken  the compact serialized ID token
     * @return the validated claims
     * @throws TokenValidationException naming the rule the token broke
     * @throws ProviderUnavailableException when the IdP's keys cannot be fetched
     */
    public JWTClaimsSet validateRefreshedIdToken(DiscoveredProvider provider, String idToken) {
        return verifySignature(provider, idToken, "ID token", TokenOrigin.TOKEN_ENDPOINT,
                (set, context) -> checkClaims(provider, set, List.of(settings.clientId()), true, Optional.empty()), false).claims();
    }

    /**
     * Validates a bearer JWT presented by an API client: signature, issuer, audience (one of
     * {@code audiences}), times and subject. No nonce.
     *
     * @param provider  the discovered IdP
     * @param token     the compact serialized JWT
     * @param audiences the accepted audiences
     * @return the validated claims
     * @throws TokenValidationException naming the rule the token broke
     * @throws ProviderUnavailableException when the IdP's keys cannot be fetched
     */
    public JWTClaimsSet validateBearer(DiscoveredProvider provider, String token, List<String> audiences) {
        return verifySignature(provider, token, "bearer token", TokenOrigin.BEARER,
                (set, context) -> checkClaims(provider, set, audiences, false, Optional.empty()), false).claims();
    }

    /**
     * Validates a bearer JWT as {@link #validateBearer} does, and tells which key verified it, so
     * that a cache can keep the result while that key stays published. The key is named only when
     * exactly one key, with a {@code kid}, was a candidate; a token without one should not be cached.
     *
     * @param provider  the discovered IdP
     * @param token     the compact serialized JWT
     * @param audiences the accepted audiences
     * @return the verified token
     * @throws TokenValidationException naming the rule the token broke
     */
    public VerifiedToken verifyBearer(DiscoveredProvider provider, String token, List<String> audiences) {
        Checked checked = verifySignature(provider, token, "bearer token", TokenOrigin.BEARER,
                (set, context) -> checkClaims(provider, set, audiences, false, Optional.empty()), true);
        JWTClaimsSet claims = checked.claims();
        Optional<VerifiedToken.SigningKey> key = checked.keyId() != null && checked.keys() != null && checked.keys().size() == 1
                ? Optional.of(new VerifiedToken.SigningKey(checked.keyId(), checked.keys().get(0))) : Optional.empty();
        // checkClaims refused a token without exp, so it is there.
        return new VerifiedToken(claims, key, claims.getExpirationTime().toInstant(),
                Optional.ofNullable(claims.getNotBeforeTime()).map(Date::toInstant));
    }

    /**
     * Whether this IdP would accept a token like this one (its other claims, such as a tenant) but
     * naming another issuer: tells whether an issuer recorded earlier is this IdP's own spelling.
     *
     * @param provider the discovered IdP
     * @param claims   a token's verified claims
     * @param issuer   the other issuer
     * @return true when the IdP's profile accepts that issuer for such a token
     */
    public boolean acceptsIssuer(DiscoveredProvider provider, JWTClaimsSet claims, String issuer) {
        return settings.profile().acceptsTokenIssuer(provider.issuer(), new JWTClaimsSet.Builder(claims).issuer(issuer).build());
    }

    /**
     * Checks a verified token's validity window again, now: what a cached token must pass on every use.
     *
     * @param token a token this validator verified earlier
     * @throws TokenValidationException when it has expired or is not valid yet
     */
    public void checkTimes(VerifiedToken token) {
        Instant now = clock.instant();
        long skew = settings.clockSkew().toSeconds();
        if (!now.isBefore(token.expiresAt().plusSeconds(skew))) {
            throw new TokenValidationException("the bearer token was refused: it expired at " + token.expiresAt());
        }
        if (token.notBefore().isPresent() && token.notBefore().get().isAfter(now.plusSeconds(skew))) {
            throw new TokenValidationException("the bearer token was refused: it is not valid before " + token.notBefore().get());
        }
    }

    /**
     * Whether the key that verified a token is still in the IdP's key set, as the key source
     * currently knows it.
     *
     * @param provider the discovered IdP
     * @param token    a token this validator verified earlier
     * @return false when the key is gone or the key set cannot be read
     */
    public boolean keyStillPublished(DiscoveredProvider provider, VerifiedToken token) {
        if (token.signingKey().isEmpty()) {
            return false;
        }
        VerifiedToken.SigningKey key = token.signingKey().get();
        try {
            List<JWK> published = provider.keys().get(new JWKSelector(new JWKMatcher.Builder().keyID(key.keyId()).build()),
                    TokenOrigin.BEARER);
            return KeyConverter.toJavaKeys(published).contains(key.key());
        } catch (KeySourceException e) {
            return false;
        }
    }

    /**
     * The time a verified token may be used for at most, from now: until its expiry plus the skew.
     *
     * @param token a verified token
     * @return the remaining lifetime, never negative
     */
    public Duration remainingLifetime(VerifiedToken token) {
        Duration left = Duration.between(clock.instant(), token.expiresAt().plusSeconds(settings.clockSkew().toSeconds()));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private Checked verifySignature(DiscoveredProvider provider, String token, String what, TokenOrigin origin,
                                    JWTClaimsSetVerifier<SecurityContext> verifier, boolean captureKeys) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenValidationException("the " + what + " is missing or too long");
        }
        if (lean != null) {
            try {
                Optional<LeanJwtProcessor.Verified> verified = lean.process(provider, token, origin, verifier);
                if (verified.isPresent()) {
                    return new Checked(verified.get().claims(), verified.get().header().getKeyID(), verified.get().keys());
                }
            } catch (LeanJwtProcessor.Refused e) {
                throw refusal(e.reason(), what, provider, e.algorithm());
            }
        }
        JWT jwt;
        try {
            jwt = parse(token);
        } catch (ParseException e) {
            throw new TokenValidationException("the " + what + " is not a JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new TokenValidationException("the " + what + " is unsigned (alg: none); unsigned tokens are never accepted");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(TYPES);
        KeyCapture capture = null;
        if (captureKeys) {
            capture = new KeyCapture(provider, this::publicKey);
            processor.setJWSKeySelector(capture);
        } else {
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(provider.algorithms(), provider.keys()));
        }
        processor.setJWTClaimsSetVerifier(verifier);
        try {
            JWTClaimsSet claims = processor.process(jwt, origin);
            String keyId = capture != null && jwt.getHeader() instanceof JWSHeader header ? header.getKeyID() : null;
            return new Checked(claims, keyId, capture == null ? null : capture.keys);
        } catch (com.nimbusds.jose.JOSEException | BadJOSEException e) {
            throw refusal(e, what, provider, jwt.getHeader().getAlgorithm());
        }
    }

    /** A refusal of Nimbus's processor (or of the lean path, which refuses as it does) as the framework's exception. */
    private static RuntimeException refusal(Exception e, String what, DiscoveredProvider provider, com.nimbusds.jose.Algorithm algorithm) {
        if (e instanceof KeySourceException) {
            // The keys cannot be had (a JWKS outage past the cache's tolerance, or during a rotation):
            // the token may be fine, so this is 503 with Retry-After, not a refusal.
            return new ProviderUnavailableException("the " + what + " cannot be checked now: " + e.getMessage(), e);
        }
        if (e instanceof BadJWTException) {
            return new TokenValidationException("the " + what + " was refused: " + e.getMessage());
        }
        if (e instanceof BadJOSEException) {
            return new TokenValidationException("the " + what + "'s signature was refused (alg " + (algorithm == null ? "?" : algorithm.getName())
                    + ", accepted " + provider.algorithms() + "): " + e.getMessage());
        }
        return new TokenValidationException("the " + what + "'s signature could not be checked: " + e.getMessage(), e);
    }

    /**
     * {@link JWTParser#parse}, with a JWS's parts decoded by the JDK (see {@link DecodedBase64URL}).
     * Anything else (an unsigned or encrypted token, a part the JDK will not decode, a header that is
     * not a JWS's) goes through {@link JWTParser} as before, which refuses or types it the same way.
     */
    static JWT parse(String token) throws ParseException {
        Optional<Base64URL[]> parts = DecodedBase64URL.split(token, 3);
        if (parts.isPresent()) {
            try {
                return new SignedJWT(parts.get()[0], parts.get()[1], parts.get()[2]);
            } catch (ParseException e) {
                // not a JWS header (alg none, a JWE's algorithm, bad JSON): JWTParser says what it is
            } catch (RuntimeException e) {
                throw JwtParsing.notAJwt(e);
            }
        }
        return JwtParsing.parse(token);
    }

    private Set<String> audienceSet(List<String> audiences) {
        AudienceSet last = lastAudiences;
        if (last == null || !last.list().equals(audiences)) {
            last = new AudienceSet(List.copyOf(audiences), Collections.unmodifiableSet(new LinkedHashSet<>(audiences)));
            lastAudiences = last;
        }
        return last.set();
    }

    private void checkClaims(DiscoveredProvider provider, JWTClaimsSet claims, List<String> audiences, boolean idToken,
                             Optional<String> expectedNonce) throws BadJWTException {
        if (claims.getIssuer() == null || !settings.profile().acceptsTokenIssuer(provider.issuer(), claims)) {
            throw new BadJWTException("issuer '" + claims.getIssuer() + "' is not the provider's '" + provider.issuer() + "'");
        }
        if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
            throw new BadJWTException("it has no subject (sub)");
        }
        List<String> aud = idToken ? claims.getAudience() : List.of(); // a bearer token's audience is the profile's to check
        if (idToken) {
            if (aud.isEmpty()) {
                throw new BadJWTException("it has no audience (aud)");
            }
            if (aud.stream().noneMatch(audiences::contains)) {
                throw new BadJWTException("its audience " + aud + " does not include " + audiences);
            }
        } else {
            // The profile decides: some IdPs' access tokens name the client elsewhere (Cognito's client_id).
            Optional<String> audienceRefusal = settings.profile().checkBearerAudience(claims, audienceSet(audiences));
            if (audienceRefusal.isPresent()) {
                throw new BadJWTException(audienceRefusal.get());
            }
        }
        Object azp = claims.getClaim("azp");
        if (idToken && (azp != null || aud.size() > 1) && !settings.clientId().equals(azp)) {
            throw new BadJWTException("its authorized party (azp) '" + azp + "' is not this client");
        }
        // In milliseconds, as the claims' dates hold them: the clock's millis are its instant rounded down, which
        // decides each comparison with a whole millisecond as the instant would, without an Instant per check.
        long now = clock.millis();
        long skew = settings.clockSkew().toSeconds() * 1000;
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new BadJWTException("it has no expiry (exp)");
        }
        if (now - skew >= exp.getTime()) {
            throw new BadJWTException("it expired at " + exp.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (idToken && iat == null) {
            throw new BadJWTException("it has no issue time (iat)");
        }
        if (iat != null && iat.getTime() > now + skew) {
            throw new BadJWTException("it was issued in the future (" + iat.toInstant() + ")");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.getTime() > now + skew) {
            throw new BadJWTException("it is not valid before " + nbf.toInstant());
        }
        if (expectedNonce.isPresent()) {
            Object nonce = claims.getClaim("nonce");
            if (!(nonce instanceof String text) || !constantTimeEquals(text, expectedNonce.get())) {
                throw new BadJWTException(nonce == null ? "it has no nonce" : "its nonce does not match this login's");
            }
        }
        if (expectedNonce.isEmpty() && !idToken && claims.getClaim("nonce") != null) {
            // An ID token from a browser login (this framework always sends a nonce) travels in the
            // logout URL as id_token_hint; it must not double as an API credential after logout.
            throw new BadJWTException("it was issued to a browser login (it carries a nonce); send an access token instead");
        }
        Optional<String> refusal = settings.profile().checkToken(claims);
        if (refusal.isPresent()) {
            throw new BadJWTException(refusal.get());
        }
    }

    /**
     * Selects the candidate keys as {@link JWSVerificationKeySelector} does (the algorithm must be
     * on the provider's allow-list; keys matched by the header's {@code kid}, type and use), converts
     * them through the validator's memo, and remembers them, for one validation on one thread.
     */
    /**
     * A published key as a Java key, remembered: the conversion (a key factory per call) costs more
     * than the rest of a bearer check apart from the signature, and a key set changes rarely.
     *
     * @return the public key, or null when the key does not convert (it verifies nothing, as in
     *         {@link JWSVerificationKeySelector})
     */
    private Key publicKey(JWK jwk) {
        ConvertedKey[] recent = recentKeys;
        for (ConvertedKey converted : recent) {
            if (converted.jwk() == jwk) {
                return converted.key();
            }
        }
        Key key = publicKeys.get(jwk);
        if (key == null) {
            key = convert(jwk);
            if (key == null) {
                return null;
            }
            if (publicKeys.size() >= MAX_REMEMBERED_KEYS) {
                publicKeys.clear(); // far more than an IdP publishes: start again rather than grow
            }
            publicKeys.put(jwk, key);
        }
        // Copy on write; a lost race costs one more lookup above, never a wrong key.
        ConvertedKey[] next = new ConvertedKey[Math.min(recent.length + 1, MAX_RECENT_KEYS)];
        next[0] = new ConvertedKey(jwk, key);
        System.arraycopy(recent, 0, next, 1, next.length - 1);
        recentKeys = next;
        return key;
    }

    private static Key convert(JWK jwk) {
        try {
            for (Key key : KeyConverter.toJavaKeys(List.of(jwk))) {
                if (key instanceof PublicKey) {
                    return key;
                }
            }
        } catch (RuntimeException e) {
            // A key that does not convert verifies nothing, as in JWSVerificationKeySelector.
        }
        return null;
    }

    /**
     * Selects the candidate keys as {@link JWSVerificationKeySelector} does (the algorithm must be
     * on the provider's allow-list; keys matched by the header's {@code kid}, type and use), converts
     * them through the validator's memo, and remembers them, for one validation on one thread.
     */
    private static final class KeyCapture implements JWSKeySelector<SecurityContext> {
        private final DiscoveredProvider provider;
        private final Function<JWK, Key> publicKeys;
        private List<Key> keys;

        KeyCapture(DiscoveredProvider provider, Function<JWK, Key> publicKeys) {
            this.provider = provider;
            this.publicKeys = publicKeys;
        }

        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
            keys = List.of();
            if (header.getAlgorithm() == null || !provider.algorithms().contains(header.getAlgorithm())) {
                return keys; // the processor refuses the token: no key for that algorithm
            }
            JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
            if (matcher == null) {
                return keys;
            }
            List<Key> found = new ArrayList<>();
            for (JWK jwk : provider.keys().get(new JWKSelector(matcher), context)) {
                Key key = publicKeys.apply(jwk);
                if (key != null) {
                    found.add(key);
                }
            }
            keys = List.copyOf(found);
            return keys;
        }
    }

    static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
