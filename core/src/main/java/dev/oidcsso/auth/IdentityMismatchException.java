package dev.oidcsso.auth;

import dev.oidcsso.identity.AccessRefusedException;
import dev.oidcsso.store.IdpIdentity;

/**
 * A login brings a user name that is bound to another identity at the IdP (another issuer or
 * subject): someone else's {@code preferred_username} or {@code email}, or the same person through
 * another account. Status 403; nothing about the user is changed. The message names neither
 * identity; {@link #bound()} and {@link #presented()} are for the audit log.
 */
public final class IdentityMismatchException extends AccessRefusedException {

    private static final long serialVersionUID = 1L;

    /** The identity the user is bound to. */
    private final transient IdpIdentity bound;
    /** The identity this login brought. */
    private final transient IdpIdentity presented;

    /**
     * Creates the exception.
     *
     * @param username  the user name both identities claim
     * @param bound     the identity the user is bound to
     * @param presented the identity this login brought
     */
    public IdentityMismatchException(String username, IdpIdentity bound, IdpIdentity presented) {
        super("The user name '" + username + "' belongs to another account at the identity provider, so this login is "
                + "refused. If this is your account, ask an administrator to link it to your sign-in.");
        this.bound = bound;
        this.presented = presented;
    }

    /** @return the identity the user is bound to */
    public IdpIdentity bound() {
        return bound;
    }

    /** @return the identity this login brought */
    public IdpIdentity presented() {
        return presented;
    }
}
