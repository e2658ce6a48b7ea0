package dev.oidcsso.store;

import dev.oidcsso.OidcSsoException;

/**
 * The user database cannot be reached or failed to answer. Requests that need it get 503 and may be
 * retried; nothing was half-written, since every change runs in one transaction. The message never
 * contains the JDBC URL's credentials; the cause holds the driver's detail for the server log.
 */
public class StoreUnavailableException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what could not be done
     * @param cause   the driver's or pool's failure
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(503, message, cause);
    }
}
