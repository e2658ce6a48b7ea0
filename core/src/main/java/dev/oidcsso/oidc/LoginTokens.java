package dev.oidcsso.oidc;

import com.nimbusds.jwt.JWTClaimsSet;

import java.util.Optional;

/**
 * The validated outcome of a code exchange.
 *
 * @param idToken       the ID token as received (for {@code id_token_hint})
 * @param idTokenClaims its validated claims
 * @param accessToken   the access token, if any
 */
public record LoginTokens(String idToken, JWTClaimsSet idTokenClaims, Optional<String> accessToken) {

    @Override
    public String toString() {
        return "LoginTokens[sub=" + idTokenClaims.getSubject() + "]";
    }
}
