package dev.oidcsso.spi;

import java.util.Map;
import java.util.Optional;

/**
 * The claims available after a successful code exchange.
 */
public interface LoginClaims {

    /**
     * The validated ID token's claims.
     *
     * @return claim names to values
     */
    Map<String, Object> idTokenClaims();

    /**
     * The UserInfo response, fetched on first call and then kept; its {@code sub} has been checked
     * against the ID token's.
     *
     * @return claim names to values
     * @throws dev.oidcsso.OidcSsoException when the IdP has no UserInfo endpoint or the call fails
     */
    Map<String, Object> userInfo();

    /**
     * The UserInfo response if it has already been fetched.
     *
     * @return the claims, or empty
     */
    Optional<Map<String, Object>> userInfoIfFetched();

    /**
     * The access token issued at login.
     *
     * @return the token, or empty
     */
    Optional<String> accessToken();
}
