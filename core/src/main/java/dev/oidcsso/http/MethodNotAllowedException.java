package dev.oidcsso.http;

import dev.oidcsso.OidcSsoException;

/**
 * A route exists but not for this method. Status 405; the response names the allowed methods in
 * its {@code Allow} header.
 */
public final class MethodNotAllowedException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    private final String allow;

    /**
     * Creates the exception.
     *
     * @param allow the allowed methods, for example {@code GET, PATCH}
     */
    public MethodNotAllowedException(String allow) {
        super(405, "Use one of: " + allow + ".");
        this.allow = allow;
    }

    /**
     * The allowed methods.
     *
     * @return the value of the {@code Allow} header
     */
    public String allow() {
        return allow;
    }
}
