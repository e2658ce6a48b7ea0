package dev.oidcsso.auth;

import java.util.Locale;

/** How a request proved who made it. */
public enum AuthMethod {
    /** The browser's session cookie. */
    SESSION,
    /** {@code Authorization: Bearer} with a JWT from the IdP. */
    BEARER,
    /** {@code Authorization: Basic} with a personal access token. */
    BASIC,
    /** Identity headers from a trusted reverse proxy. */
    TRUSTED_HEADER;

    /**
     * The name used in JSON output.
     *
     * @return for example {@code session}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
