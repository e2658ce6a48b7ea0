package dev.oidcsso.web.api;

import dev.oidcsso.auth.Principal;

import java.time.Instant;
import java.util.Optional;

/**
 * The rule that no credential mints one that outlives it. A request authenticated with a personal
 * access token that expires creates tokens that expire no later: without {@code expires_at} the new
 * token gets the caller's expiry, and a later {@code expires_at} is refused with 400. A workload's
 * token ({@code OIDC_WORKLOAD_ISSUERS}) limits what it creates to its own expiry in the same way. A token that
 * never expires, and a sign-in at the identity provider (a session, the IdP's bearer token, a proxy
 * identity: the user proving who they are, not a credential the framework issued), may create tokens
 * up to the store's own limits.
 */
final class TokenLifetime {

    private TokenLifetime() {
    }

    /**
     * The expiry of a token the caller creates.
     *
     * @param caller    the authenticated caller
     * @param requested the requested expiry; empty asks for a token that never expires
     * @return the expiry to create the token with; empty for never
     * @throws ApiException (400) when the request asks for more than the caller's credential allows
     */
    static Optional<Instant> of(Principal caller, Optional<Instant> requested) {
        Optional<Instant> limit = caller.credentialExpiry();
        if (limit.isEmpty()) {
            return requested;
        }
        if (requested.isPresent() && requested.get().isAfter(limit.get())) {
            throw ApiException.badRequest("The credential of this request expires at " + limit.get() + ", and a token it creates "
                    + "cannot expire later; give an 'expires_at' no later than that, or leave it out to get that expiry.");
        }
        return requested.or(() -> limit);
    }
}
