package dev.oidcsso.http;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the framework's own cookies live, and so what they are called. Over https they carry a
 * prefix the browser enforces (RFC 6265bis 4.1.3): {@code __Host-} (Secure, {@code Path=/}, no
 * {@code Domain}: no sibling subdomain can set or shadow it) unless the application opts into a
 * {@code Domain} with {@code OIDC_COOKIE_DOMAIN}, which gives {@code __Secure-} (Secure only). Over
 * plain http (local development) the bare name and the application's path are used.
 */
public final class CookieScope {

    private final Optional<String> domain;

    /**
     * Creates the scope.
     *
     * @param domain {@code OIDC_COOKIE_DOMAIN}, or empty for host-only cookies
     */
    public CookieScope(Optional<String> domain) {
        this.domain = domain;
    }

    /**
     * The name a cookie has on this request.
     *
     * @param base    the unprefixed name, for example {@code oidc_sso_session}
     * @param request the request
     * @return the name, prefixed over https
     */
    public String name(String base, WebRequest request) {
        if (!request.secure()) {
            return base;
        }
        return (domain.isPresent() ? "__Secure-" : "__Host-") + base;
    }

    /**
     * A cookie to set.
     *
     * @param base    the unprefixed name
     * @param value   the value
     * @param maxAge  how long the browser keeps it; empty for a browser-session cookie
     * @param request the request it answers
     * @return the cookie
     */
    public Cookie cookie(String base, String value, Optional<Duration> maxAge, WebRequest request) {
        boolean secure = request.secure();
        boolean hostOnly = secure && domain.isEmpty();
        return new Cookie(name(base, request), value, hostOnly ? "/" : path(request), maxAge, secure,
                secure ? domain : Optional.empty());
    }

    /**
     * A cookie that deletes one set by {@link #cookie}.
     *
     * @param base    the unprefixed name
     * @param request the request
     * @return the deleting cookie
     */
    public Cookie deletion(String base, WebRequest request) {
        return cookie(base, "", Optional.of(Duration.ZERO), request);
    }

    /**
     * Every value the request carries for a cookie.
     *
     * @param base    the unprefixed name
     * @param request the request
     * @return the values, more than one when a cookie was planted beside it
     */
    public List<String> values(String base, WebRequest request) {
        return request.cookies(name(base, request));
    }

    /**
     * The application's path, for cookies that are not host-wide.
     *
     * @param request the request
     * @return the path, at least {@code /}
     */
    public static String path(WebRequest request) {
        String path = request.baseUri().getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }
}
