package dev.oidcsso.oidc;

import java.net.URI;
import java.time.Instant;

/**
 * What the browser carries, sealed in a short-lived cookie, between {@code /login} and
 * {@code /callback}: it binds the callback to the browser that started the login, and lets any
 * instance sharing {@code SECRET_KEY} complete it.
 *
 * @param state        the OAuth {@code state} (256 random bits)
 * @param nonce        the OpenID {@code nonce} (256 random bits)
 * @param codeVerifier the PKCE code verifier
 * @param redirectUri  the redirect URI sent in the authorization request
 * @param next         the same-site path to return to after login
 * @param expiresAt    when the login attempt expires
 * @param idp          the name of the IdP the login went to, whose callback it routes; empty in a state
 *                     sealed before several IdPs existed (then the first IdP's)
 */
public record LoginState(String state, String nonce, String codeVerifier, URI redirectUri, String next, Instant expiresAt,
                         String idp) {
}
