package dev.oidcsso.login;

import dev.oidcsso.oidc.LoginException;

/**
 * The IdP sent the browser back with an error instead of a code (OpenID Connect Core 3.1.2.6), for
 * example {@code access_denied} when the user declined. Status 403.
 */
public final class IdpRefusedLoginException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 403.
     *
     * @param message what happened and what the user can do; never a token
     */
    public IdpRefusedLoginException(String message) {
        super(403, message);
    }
}
