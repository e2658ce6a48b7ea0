package dev.oidcsso.web;

import dev.oidcsso.OidcSsoException;

/**
 * A state-changing request that may have been forged by another site: it came from another site
 * ({@code Sec-Fetch-Site}, {@code Origin}), or a session-authenticated one lacks the CSRF token.
 * Status 403; the message says which header to send.
 */
public final class CrossSiteRequestException extends OidcSsoException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing or foreign, and what to send instead
     */
    public CrossSiteRequestException(String message) {
        super(403, message);
    }
}
