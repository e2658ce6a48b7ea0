package dev.oidcsso.oidc;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Instant;
import java.util.Optional;

/**
 * The validated outcome of a refresh (OpenID Connect Core 12.2).
 *
 * @param idToken        the new ID token, when the IdP sent one
 * @param idTokenClaims  its claims, validated (signature, times, audience) and compared with the
 *                       original ID token's by the caller
 * @param accessToken    the new access token, if any
 * @param refreshToken   the new refresh token when the IdP rotates them, else empty (the old one stays)
 * @param tokensExpireAt when the new access token expires, if known
 */
public record RefreshedTokens(Optional<String> idToken, Optional<JWTClaimsSet> idTokenClaims, Optional<String> accessToken,
                              Optional<String> refreshToken, Optional<Instant> tokensExpireAt) {

    @Override
    public String toString() {
        return "RefreshedTokens[idToken=" + idToken.isPresent() + ", rotated=" + refreshToken.isPresent() + "]";
    }
}
