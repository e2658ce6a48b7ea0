package dev.oidcsso.auth;

import dev.oidcsso.http.WebRequest;

import java.util.Optional;

/**
 * One way of authenticating a request (session cookie, bearer JWT, basic with an access token,
 * trusted proxy headers). Authenticators are asked in order; the first that recognises its
 * credentials decides.
 */
public interface Authenticator {

    /**
     * Authenticates a request.
     *
     * @param request the request
     * @return the principal when this authenticator's credentials are present and valid; empty when
     *         they are absent
     * @throws dev.oidcsso.OidcSsoException with status 401 when its credentials are present but
     *                                      invalid, so that a bad token is never silently ignored
     */
    Optional<Principal> authenticate(WebRequest request);
}
