package dev.oidcsso.login;

import dev.oidcsso.oidc.LoginException;

/**
 * The callback's RFC 9207 {@code iss} parameter is missing though the IdP promises it, or names
 * another issuer (a mix-up attack). Status 400.
 */
public final class IssuerMismatchException extends LoginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with status 400.
     *
     * @param message what happened and what the user can do; never a token
     */
    public IssuerMismatchException(String message) {
        super(400, message);
    }
}
