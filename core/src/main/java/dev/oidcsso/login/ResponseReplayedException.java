package dev.oidcsso.login;

import dev.oidcsso.oidc.LoginException;

/**
 * The callback was already used once: every login response is accepted one time only, on any
 * replica (RFC 9700 4.2.4). Status 400.
 */
public final class ResponseReplayedException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 400.
     *
     * @param message what happened and what the user can do; never a token
     */
    public ResponseReplayedException(String message) {
        super(400, message);
    }
}
