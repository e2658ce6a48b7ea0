package dev.oidcsso.oidc;

import dev.oidcsso.OidcSsoException;

/**
 * A login could not be completed because of what the browser or the IdP sent (a state mismatch, an
 * invalid ID token, an error from the IdP). The message is shown to the user, escaped, and never
 * contains a token.
 */
public class LoginException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 400.
     *
     * @param message what went wrong
     */
    public LoginException(String message) {
        super(400, message);
    }

    /**
     * Creates the exception.
     *
     * @param status  the HTTP status
     * @param message what went wrong
     */
    public LoginException(int status, String message) {
        super(status, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param status  the HTTP status
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public LoginException(int status, String message, Throwable cause) {
        super(status, message, cause);
    }
}
