package dev.oidcsso.login;

import dev.oidcsso.oidc.LoginException;

/**
 * The callback has no login state this browser started, or the login took longer than the ten minutes
 * a login may take (OpenID Connect Core 3.1.2.5: the callback must belong to this browser's request).
 * Status 400; the user signs in again.
 */
public final class LoginExpiredException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 400.
     *
     * @param message what happened and what the user can do; never a token
     */
    public LoginExpiredException(String message) {
        super(400, message);
    }
}
