package dev.oidcsso.oidc;

import dev.oidcsso.OidcSsoException;

/**
 * The identity provider cannot be reached, or has not been discovered yet. Status 503: the request
 * may be retried later. Clients see only {@link #PUBLIC_MESSAGE}; the message with its details is for
 * the log.
 */
public class ProviderUnavailableException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /** What clients are told, whatever the cause. */
    public static final String PUBLIC_MESSAGE = "The identity provider is unavailable; try again shortly.";

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

    /**
     * The same words for every cause: the message names internal URLs and the last failure, which
     * are for the operator's log, not for whoever sent the request.
     *
     * @return {@value #PUBLIC_MESSAGE}
     */
    @Override
    public String publicMessage() {
        return PUBLIC_MESSAGE;
    }
}
