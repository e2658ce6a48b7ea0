package dev.oidcsso.oidc;

import dev.oidcsso.OidcSsoException;

/**
 * A back-channel {@code logout_token} was refused: a bad signature, another issuer or audience, no
 * logout event, a nonce, a replayed {@code jti}. Status 400, as Back-Channel Logout 1.0 §2.8 asks.
 */
public class LogoutTokenException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the token was refused; never contains the token
     */
    public LogoutTokenException(String message) {
        super(400, message);
    }
}
