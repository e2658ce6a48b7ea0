package dev.oidcsso.login;

import dev.oidcsso.oidc.LoginException;

/**
 * The callback's {@code state} is not the one of the login this browser started: it belongs to
 * another login or was forged (RFC 6749 10.12, cross-site request forgery). Status 400.
 */
public final class StateMismatchException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 400.
     *
     * @param message what happened and what the user can do; never a token
     */
    public StateMismatchException(String message) {
        super(400, message);
    }
}
