package dev.oidcsso.oidc;

import dev.oidcsso.config.ClientSettings;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * Validates a back-channel {@code logout_token} as OpenID Connect Back-Channel Logout 1.0 §2.6
 * says, step by step: (1) the signature with the IdP's keys and the algorithm allow-list, and
 * {@code typ} when present; (2) {@code iss}, {@code aud}, {@code iat} and {@code exp} as for ID
 * tokens; (3) {@code sub} and/or {@code sid}; (4) the {@code events} member naming the
 * back-channel logout event; (5) no {@code nonce}; (6) a {@code jti} not seen before.
 *
 * <p>Anyone can POST to the back-channel route, so every refusal is a 400 whose message names the
 * rule and never the token.
 */
public final class LogoutTokenValidator {

    /** The event a logout token carries (§2.4). */
    public static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

    /** The explicit type §2.4 recommends for logout tokens. */
    static final JOSEObjectType LOGOUT_JWT = new JOSEObjectType("logout+jwt");

    private static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** How old a logout token without {@code exp} may be: IdPs send them at once. */
    private static final Duration MAX_AGE_WITHOUT_EXP = Duration.ofMinutes(5);

    private final String clientId;
    private final Duration skew;
    private final Clock clock;
    private final CallbackReplayGuard seen;
    private final BiPredicate<DiscoveredProvider, JWTClaimsSet> issuerAccepted;

    /**
     * Creates the validator.
     *
     * @param clientId       this client's id, which the token's {@code aud} must contain
     * @param skew           the clock skew allowed for {@code iat} and {@code exp}
     * @param clock          the clock
     * @param seen           remembers the {@code jti}s already used (shared by replicas when a store is configured)
     * @param issuerAccepted whether the token's {@code iss} is the provider's (the provider profile decides, as for ID tokens)
     */
    public LogoutTokenValidator(String clientId, Duration skew, Clock clock, CallbackReplayGuard seen,
                                BiPredicate<DiscoveredProvider, JWTClaimsSet> issuerAccepted) {
        this.clientId = clientId;
        this.skew = skew;
        this.clock = clock;
        this.seen = seen;
        this.issuerAccepted = issuerAccepted;
    }

    /**
     * What a valid logout token asks for: end the sessions of this issuer that match the subject
     * and/or the IdP's session id.
     *
     * @param issuer    the issuer
     * @param subject   the {@code sub}, if the token names one
     * @param sessionId the IdP's session id {@code sid}, if the token names one
     */
    public record LogoutRequest(String issuer, Optional<String> subject, Optional<String> sessionId) {
    }

    /**
     * Validates a logout token.
     *
     * @param provider the discovered IdP
     * @param token    the compact serialized {@code logout_token}
     * @return what to log out
     * @throws LogoutTokenException naming the rule the token broke
     */
    public LogoutRequest validate(DiscoveredProvider provider, String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            throw new LogoutTokenException("the logout_token is missing or too long");
        }
        JWT jwt;
        try {
            jwt = JwtParsing.parse(token);
        } catch (ParseException e) {
            throw new LogoutTokenException("the logout_token is not a JWT");
        }
        if (jwt instanceof PlainJWT) {
            throw new LogoutTokenException("the logout_token is unsigned (alg: none); unsigned tokens are never accepted");
        }
        // Step 1: signature, algorithm allow-list, and typ when present (JWT or logout+jwt).
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, LOGOUT_JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(provider.algorithms(), provider.keys()));
        processor.setJWTClaimsSetVerifier((claims, context) -> checkClaims(provider, claims));
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJWTException e) {
            throw new LogoutTokenException("the logout_token was refused: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new LogoutTokenException("the logout_token's signature or type was refused: " + e.getMessage());
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new LogoutTokenException("the logout_token's signature could not be checked");
        }
        // Step 6, last: a token is spent only once it is otherwise valid, so a forged one cannot burn a jti.
        // Remembered as long as any replica could accept it: the largest skew a replica may be configured with, not
        // this one's, because the store recognises a replay by (until, digest) and every replica must record the same pair.
        Instant until = Optional.ofNullable(claims.getExpirationTime()).map(Date::toInstant)
                .orElseGet(() -> claims.getIssueTime().toInstant().plus(MAX_AGE_WITHOUT_EXP)).plus(ClientSettings.MAX_CLOCK_SKEW);
        if (!seen.firstUse("bcl:" + digest(claims.getIssuer() + "\n" + claims.getJWTID()), until)) {
            throw new LogoutTokenException("the logout_token was already used (its jti was seen before)");
        }
        return new LogoutRequest(claims.getIssuer(), Optional.ofNullable(claims.getSubject()).filter(s -> !s.isEmpty()),
                Optional.ofNullable(stringClaim(claims, "sid")).filter(s -> !s.isEmpty()));
    }

    private void checkClaims(DiscoveredProvider provider, JWTClaimsSet claims) throws BadJWTException {
        // Step 2: iss, aud, iat, exp.
        if (claims.getIssuer() == null || !issuerAccepted.test(provider, claims)) {
            throw new BadJWTException("its issuer is not the identity provider's");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(clientId)) {
            throw new BadJWTException("its audience does not include this client");
        }
        Instant now = clock.instant();
        Date iat = claims.getIssueTime();
        if (iat == null) {
            throw new BadJWTException("it has no issue time (iat)");
        }
        if (iat.toInstant().isAfter(now.plus(skew))) {
            throw new BadJWTException("it was issued in the future");
        }
        Date exp = claims.getExpirationTime();
        if (exp != null && !now.isBefore(exp.toInstant().plus(skew))) {
            throw new BadJWTException("it has expired");
        }
        if (exp == null && iat.toInstant().plus(MAX_AGE_WITHOUT_EXP).plus(skew).isBefore(now)) {
            throw new BadJWTException("it has no expiry (exp) and was issued more than " + MAX_AGE_WITHOUT_EXP.toMinutes()
                    + " minutes ago");
        }
        // Step 3: sub and/or sid.
        String sub = claims.getSubject();
        String sid = stringClaim(claims, "sid");
        if ((sub == null || sub.isEmpty()) && (sid == null || sid.isEmpty())) {
            throw new BadJWTException("it names neither a subject (sub) nor a session (sid)");
        }
        // Step 4: the events member, whose back-channel logout member is a JSON object.
        Object events = claims.getClaim("events");
        if (!(events instanceof Map<?, ?> map) || !(map.get(BACKCHANNEL_LOGOUT_EVENT) instanceof Map<?, ?>)) {
            throw new BadJWTException("its events claim does not contain the back-channel logout event");
        }
        // Step 5: no nonce, so that an ID token can never pass for a logout token.
        if (claims.getClaim("nonce") != null) {
            throw new BadJWTException("it carries a nonce, which logout tokens must not");
        }
        String jti = claims.getJWTID();
        if (jti == null || jti.isEmpty()) {
            throw new BadJWTException("it has no token identifier (jti)");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) {
        return claims.getClaim(name) instanceof String text ? text : null;
    }

    /** The replay record holds a digest, so an arbitrarily long jti costs a bounded row. */
    private static String digest(String value) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
