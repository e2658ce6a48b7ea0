package dev.oidcsso.oidc;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Instant;
import java.util.Optional;

/**
 * The validated outcome of a code exchange.
 *
 * @param idToken        the ID token as received (for {@code id_token_hint})
 * @param idTokenClaims  its validated claims
 * @param accessToken    the access token, if any
 * @param refreshToken   the refresh token, if the IdP issued one (never logged, kept only sealed)
 * @param tokensExpireAt when the access token expires ({@code expires_in}), else the ID token's {@code exp}
 */
public record LoginTokens(String idToken, JWTClaimsSet idTokenClaims, Optional<String> accessToken, Optional<String> refreshToken,
                          Optional<Instant> tokensExpireAt) {

    /**
     * The tokens of an exchange without a refresh token.
     *
     * @param idToken       the ID token as received
     * @param idTokenClaims its validated claims
     * @param accessToken   the access token, if any
     */
    public LoginTokens(String idToken, JWTClaimsSet idTokenClaims, Optional<String> accessToken) {
        this(idToken, idTokenClaims, accessToken, Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
        return "LoginTokens[sub=" + idTokenClaims.getSubject() + "]";
    }
}
