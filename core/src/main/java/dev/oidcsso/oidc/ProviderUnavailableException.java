package dev.oidcsso.oidc;

import dev.oidcsso.OidcSsoException;

/**
 * The identity provider cannot be reached, or has not been discovered yet. Status 503: the request
 * may be retried later.
 */
public class ProviderUnavailableException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is unavailable
     */
    public ProviderUnavailableException(String message) {
        super(503, message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is unavailable
     * @param cause   the underlying failure
     */
    public ProviderUnavailableException(String message, Throwable cause) {
        super(503, message, cause);
    }
}
