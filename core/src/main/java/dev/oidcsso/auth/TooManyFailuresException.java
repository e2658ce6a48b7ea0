package dev.oidcsso.auth;

import dev.oidcsso.OidcSsoException;

/**
 * Too many failed attempts from this address or for this user name: 429, to be retried after
 * {@link #retryAfterSeconds()} (sent as {@code Retry-After}).
 */
public class TooManyFailuresException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    private final long retryAfterSeconds;

    /**
     * Creates the exception.
     *
     * @param retryAfterSeconds how long the client should wait
     */
    public TooManyFailuresException(long retryAfterSeconds) {
        super(429, "Too many failed sign-in attempts; wait " + retryAfterSeconds + " s before trying again.");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** @return the seconds to wait before trying again */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
