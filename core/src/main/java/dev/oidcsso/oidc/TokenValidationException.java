package dev.oidcsso.oidc;

import dev.oidcsso.OidcSsoException;

/**
 * A token (an ID token at login, a bearer JWT on an API call) was refused: a bad signature, a
 * disallowed algorithm, a wrong issuer or audience, an expired token, a nonce mismatch. Status 401.
 */
public class TokenValidationException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the token was refused; never contains the token
     */
    public TokenValidationException(String message) {
        super(401, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message why the token was refused
     * @param cause   the underlying failure
     */
    public TokenValidationException(String message, Throwable cause) {
        super(401, message, cause);
    }
}
