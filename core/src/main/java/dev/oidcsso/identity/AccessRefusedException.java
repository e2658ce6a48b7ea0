package dev.oidcsso.identity;

import dev.oidcsso.OidcSsoException;

/**
 * The user proved who they are but may not use the application: the identity validator refused
 * them, or they are in neither a user group nor an admin group. Status 403; no session is made.
 */
public class AccessRefusedException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the user is refused, shown to them
     */
    public AccessRefusedException(String message) {
        super(403, message);
    }
}
