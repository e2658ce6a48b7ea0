package dev.oidcsso.store;

/**
 * The result of checking a user name and access token. Only {@link #VALID} lets the request in;
 * every other result is a 401 to the client, which is not told which one (the reason is for the
 * audit log).
 */
public enum TokenCheck {
    /** The token is the user's current one, unexpired, and the user is enabled. */
    VALID,
    /** The user has no token (never created, deleted, or no such user). */
    UNKNOWN,
    /** The token is not the user's current one: wrong, or replaced by a newer one. */
    WRONG,
    /** The token was right but has expired. */
    EXPIRED,
    /** The token was right but the user is disabled. */
    USER_DISABLED;

    /**
     * Whether the request may proceed.
     *
     * @return true only for {@link #VALID}
     */
    public boolean isValid() {
        return this == VALID;
    }
}
