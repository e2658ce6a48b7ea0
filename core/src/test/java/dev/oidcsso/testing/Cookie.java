package dev.oidcsso.testing;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A cookie as a {@link CookieJar} stores it (RFC 6265 section 5.3). Cookies belong to a host, not
 * to a port: an application and a provider on two ports of 127.0.0.1 see each other's cookies, as
 * in a real browser.
 *
 * @param name the cookie name
 * @param value the cookie value
 * @param domain the host (or, when not {@code hostOnly}, the domain) the cookie belongs to
 * @param hostOnly true when no {@code Domain} attribute was given: sent to exactly that host
 * @param path the path the cookie is sent under
 * @param secure sent over https only
 * @param httpOnly the {@code HttpOnly} attribute (recorded for assertions; Java sees every cookie)
 * @param sameSite the {@code SameSite} attribute as sent, or empty
 * @param expires when the cookie expires; empty for a session cookie
 */
public record Cookie(String name, String value, String domain, boolean hostOnly, String path,
        boolean secure, boolean httpOnly, Optional<String> sameSite, Optional<Instant> expires) {

    /**
     * Validates the parts.
     *
     * @param name the cookie name
     * @param value the cookie value
     * @param domain the host or domain
     * @param hostOnly whether only that exact host gets it
     * @param path the path
     * @param secure https only
     * @param httpOnly the HttpOnly attribute
     * @param sameSite the SameSite attribute
     * @param expires the expiry
     */
    public Cookie {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        domain = domain.toLowerCase(Locale.ROOT);
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sameSite, "sameSite");
        Objects.requireNonNull(expires, "expires");
    }

    /**
     * A host-only session cookie for path {@code /}, for planting a cookie by hand.
     *
     * @param host the host, for example {@code 127.0.0.1}
     * @param name the cookie name
     * @param value the cookie value
     * @return the cookie
     */
    public static Cookie of(String host, String name, String value) {
        return new Cookie(name, value, host, true, "/", false, false, Optional.empty(), Optional.empty());
    }

    /**
     * The same cookie with another value, for tampering tests.
     *
     * @param newValue the value
     * @return the new cookie
     */
    public Cookie withValue(String newValue) {
        return new Cookie(name, newValue, domain, hostOnly, path, secure, httpOnly, sameSite, expires);
    }

    /**
     * The same cookie for another host, for replaying it elsewhere.
     *
     * @param host the host
     * @return the new cookie, host-only
     */
    public Cookie forHost(String host) {
        return new Cookie(name, value, host, true, path, secure, httpOnly, sameSite, expires);
    }

    /**
     * Whether the cookie has expired at an instant.
     *
     * @param now the instant
     * @return true when it has an expiry at or before {@code now}
     */
    public boolean isExpired(Instant now) {
        return expires.isPresent() && !expires.get().isAfter(now);
    }
}
