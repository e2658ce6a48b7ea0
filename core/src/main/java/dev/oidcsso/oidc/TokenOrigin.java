package dev.oidcsso.oidc;

import com.nimbusds.jose.proc.SecurityContext;

/**
 * Where a token being verified came from, passed to the key source as the verification's security
 * context: it decides how eagerly an unknown signing key makes the JWKS be fetched again.
 */
public enum TokenOrigin implements SecurityContext {

    /**
     * An ID token this client received from the IdP's token endpoint over TLS, in exchange for a
     * one-time code: only the IdP can make one, so an unknown {@code kid} means the IdP has rotated
     * its keys and the JWKS is fetched again at once (single-flight, with a small floor between
     * fetches).
     */
    TOKEN_ENDPOINT,

    /**
     * A bearer token from an API call: anyone can send one with any {@code kid}, so the refetches
     * they cause have their own small budget, which cannot use up the refetches logins need.
     */
    BEARER
}
