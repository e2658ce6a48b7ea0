package dev.oidcsso.web;

import dev.oidcsso.auth.AuthMethod;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.http.Authority;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.crypto.SealingKey;
import dev.oidcsso.session.SessionManager;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery protection for state-changing requests that a browser authenticates
 * by itself: the session cookie (and a trusted proxy's cookie, seen here as trusted headers).
 *
 * <p>Two checks, both must pass:
 * <ol>
 *   <li>Provenance: {@code Sec-Fetch-Site}, when the browser sends it, must be {@code same-origin} or
 *       {@code none}; {@code Origin}, when sent, must name this application's host. Browsers set both
 *       and scripts cannot forge them, so a cross-site form or {@code fetch} is refused even before
 *       the token is looked at.</li>
 *   <li>Proof of reading: the header {@value #HEADER} must carry the session's CSRF token, an HMAC of
 *       the session id under a key derived from {@code SECRET_KEY}. A page on another site can make
 *       the browser send the cookie but cannot read the token, which this application hands out
 *       only in a same-origin response ({@code GET /oidc/api/me}) and in the non-HttpOnly cookie
 *       {@value #COOKIE} that only same-origin script can read. Being derived, the token needs no
 *       storage and is accepted by every replica sharing {@code SECRET_KEY}.</li>
 * </ol>
 * The provenance check applies to every request. Requests with {@code Authorization: Bearer} or
 * {@code Basic} need no token (scripts cannot read one, and a browser adds them by itself only after
 * a user typed basic credentials into its prompt, which the provenance check covers).
 * Trusted-header requests have no session to bind a token to either.
 */
final class Csrf {

    /** The request header that carries the token. */
    static final String HEADER = "X-OIDC-SSO-CSRF";
    /** The cookie that carries the token for the application's own scripts. */
    static final String COOKIE = "oidc_sso_csrf";
    /** The form field that carries the token where a plain HTML form cannot set a header (sign-out). */
    static final String FORM_FIELD = "csrf_token";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final SecretKeySpec key;
    // Looking a Mac up and keying it cost more than the HMAC itself; doFinal leaves it ready for the next token.
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    Csrf(SealingKey root) {
        // A sub-key of its own: a CSRF token can never be mistaken for any other sealed value.
        this.key = new SecretKeySpec(root.derive("csrf"), "HmacSHA256");
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** The token for a session id. */
    String token(String sessionId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(macs.get().doFinal(sessionId.getBytes(StandardCharsets.UTF_8)));
    }

    /** The token of a principal's session, when it authenticated with one. */
    Optional<String> token(Principal principal) {
        return principal.method() == AuthMethod.SESSION ? principal.sessionId().map(this::token) : Optional.empty();
    }

    static boolean isStateChanging(WebRequest request) {
        return !SAFE_METHODS.contains(request.method().toUpperCase(Locale.ROOT));
    }

    /**
     * Refuses a forged request.
     *
     * @throws CrossSiteRequestException (403) saying what is missing
     */
    void check(WebRequest request, Principal principal) {
        if (!isStateChanging(request)) {
            return;
        }
        // Provenance is checked for every kind of credential: scripts send neither header, and a
        // browser may hold cached basic credentials that it would attach to a cross-site form.
        checkProvenance(request);
        if (principal.method() == AuthMethod.SESSION) {
            String expected = principal.sessionId().map(this::token).orElse("");
            checkToken(request, expected, request.header(HEADER).orElse(""));
        }
    }

    /**
     * Refuses a forged sign-out: provenance as for every state-changing request, and the session's
     * token in the header or in the form field {@value #FORM_FIELD}.
     *
     * @throws CrossSiteRequestException (403) saying what is missing
     */
    void checkSignOut(WebRequest request, String sessionId, Optional<String> formToken) {
        checkProvenance(request);
        checkToken(request, token(sessionId), request.header(HEADER).or(() -> formToken).orElse(""));
    }

    private void checkProvenance(WebRequest request) {
        Optional<String> site = request.header("Sec-Fetch-Site").map(value -> value.trim().toLowerCase(Locale.ROOT));
        if (site.isPresent() && !site.get().equals("same-origin") && !site.get().equals("none")) {
            throw new CrossSiteRequestException("Cross-site request refused: a " + request.method()
                    + " authenticated by a browser cookie must come from this application's own pages.");
        }
        Optional<String> origin = request.header("Origin");
        if (origin.isPresent() && !sameHost(origin.get(), request)) {
            throw new CrossSiteRequestException("Cross-site request refused: the Origin header names another site.");
        }
    }

    private static void checkToken(WebRequest request, String expected, String given) {
        if (expected.isEmpty() || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.trim().getBytes(StandardCharsets.UTF_8))) {
            throw new CrossSiteRequestException("Missing or invalid " + HEADER + " header: a " + request.method()
                    + " authenticated by the session cookie must send the csrf_token from GET /oidc/api/me "
                    + "(or the " + COOKIE + " cookie) in this header.");
        }
    }

    /**
     * Only the host name is compared: behind a TLS-terminating proxy that forwards no scheme, the
     * application sees http and port 80 while the browser's Origin says https, and refusing those
     * would break every legitimate page. The token check carries the real weight.
     */
    private static boolean sameHost(String origin, WebRequest request) {
        String host;
        try {
            host = URI.create(origin.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        String own = request.baseUri().getHost();
        if (own != null && own.equalsIgnoreCase(host)) {
            return true;
        }
        return request.header("Host").map(Authority::withoutPort).map(h -> h.equalsIgnoreCase(host)).orElse(false);
    }

    /**
     * The {@code Set-Cookie} value carrying the token: readable by same-origin script (not
     * HttpOnly) and never sent on cross-site requests (SameSite=Strict).
     */
    static String cookieHeader(String token, WebRequest request, Duration maxAge) {
        return COOKIE + "=" + token + "; Path=" + SessionManager.cookiePath(request) + "; Max-Age=" + maxAge.toSeconds()
                + "; SameSite=Strict" + (request.secure() ? "; Secure" : "");
    }

    static String deletionHeader(WebRequest request) {
        return cookieHeader("", request, Duration.ZERO);
    }
}
