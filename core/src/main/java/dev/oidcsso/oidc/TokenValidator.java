package dev.oidcsso.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import dev.oidcsso.config.OidcSettings;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Validates ID tokens (OpenID Connect Core 3.1.3.7) and, for API clients, bearer JWTs, following
 * RFC 8725: the signature with the IdP's keys and an allow-list of asymmetric algorithms (so
 * {@code none} and HMAC-with-the-public-key are refused), {@code iss}, {@code aud} and {@code azp},
 * {@code exp} and {@code iat} with a small skew, {@code sub}, and the login's {@code nonce}.
 */
public final class TokenValidator {

    private static final int MAX_TOKEN_LENGTH = 64 * 1024;

    private final OidcSettings settings;
    private final Clock clock;

    /**
     * Creates the validator.
     *
     * @param settings the settings (client id, skew, provider profile)
     * @param clock    the clock
     */
    public TokenValidator(OidcSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
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
                (set, context) -> checkClaims(provider, set, List.of(settings.clientId()), true, Optional.of(expectedNonce)));
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
                (set, context) -> checkClaims(provider, set, audiences, false, Optional.empty()));
    }

    private JWTClaimsSet verifySignature(DiscoveredProvider provider, String token, String what, TokenOrigin origin,
                                         JWTClaimsSetVerifier<SecurityContext> verifier) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenValidationException("the " + what + " is missing or too long");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw new TokenValidationException("the " + what + " is not a JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new TokenValidationException("the " + what + " is unsigned (alg: none); unsigned tokens are never accepted");
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), new JOSEObjectType("application/at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(provider.algorithms(), provider.keys()));
        processor.setJWTClaimsSetVerifier(verifier);
        try {
            return processor.process(jwt, origin);
        } catch (KeySourceException e) {
            // The keys cannot be had (a JWKS outage past the cache's tolerance, or during a rotation):
            // the token may be fine, so this is 503 with Retry-After, not a refusal.
            throw new ProviderUnavailableException("the " + what + " cannot be checked now: " + e.getMessage(), e);
        } catch (BadJWTException e) {
            throw new TokenValidationException("the " + what + " was refused: " + e.getMessage());
        } catch (BadJOSEException e) {
            String algorithm = jwt.getHeader().getAlgorithm() == null ? "?" : jwt.getHeader().getAlgorithm().getName();
            throw new TokenValidationException("the " + what + "'s signature was refused (alg " + algorithm
                    + ", accepted " + provider.algorithms() + "): " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new TokenValidationException("the " + what + "'s signature could not be checked: " + e.getMessage(), e);
        }
    }

    private void checkClaims(DiscoveredProvider provider, JWTClaimsSet claims, List<String> audiences, boolean idToken,
                             Optional<String> expectedNonce) throws BadJWTException {
        if (claims.getIssuer() == null || !settings.profile().acceptsTokenIssuer(provider.issuer(), claims)) {
            throw new BadJWTException("issuer '" + claims.getIssuer() + "' is not the provider's '" + provider.issuer() + "'");
        }
        if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
            throw new BadJWTException("it has no subject (sub)");
        }
        List<String> aud = claims.getAudience();
        if (idToken) {
            if (aud.isEmpty()) {
                throw new BadJWTException("it has no audience (aud)");
            }
            if (aud.stream().noneMatch(audiences::contains)) {
                throw new BadJWTException("its audience " + aud + " does not include " + audiences);
            }
        } else {
            // The profile decides: some IdPs' access tokens name the client elsewhere (Cognito's client_id).
            Optional<String> audienceRefusal = settings.profile().checkBearerAudience(claims, new LinkedHashSet<>(audiences));
            if (audienceRefusal.isPresent()) {
                throw new BadJWTException(audienceRefusal.get());
            }
        }
        Object azp = claims.getClaim("azp");
        if (idToken && (azp != null || aud.size() > 1) && !settings.clientId().equals(azp)) {
            throw new BadJWTException("its authorized party (azp) '" + azp + "' is not this client");
        }
        Instant now = clock.instant();
        long skew = settings.clockSkew().toSeconds();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new BadJWTException("it has no expiry (exp)");
        }
        if (!now.isBefore(exp.toInstant().plusSeconds(skew))) {
            throw new BadJWTException("it expired at " + exp.toInstant());
        }
        Date iat = claims.getIssueTime();
        if (idToken && iat == null) {
            throw new BadJWTException("it has no issue time (iat)");
        }
        if (iat != null && iat.toInstant().isAfter(now.plusSeconds(skew))) {
            throw new BadJWTException("it was issued in the future (" + iat.toInstant() + ")");
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(now.plusSeconds(skew))) {
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

    static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
