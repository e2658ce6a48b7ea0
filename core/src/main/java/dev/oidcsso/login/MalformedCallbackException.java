package dev.oidcsso.login;

import dev.oidcsso.oidc.LoginException;

/**
 * The callback carries neither a code nor an error (OpenID Connect Core 3.1.2.5). Status 400.
 */
public final class MalformedCallbackException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 400.
     *
     * @param message what happened and what the user can do; never a token
     */
    public MalformedCallbackException(String message) {
        super(400, message);
    }
}
