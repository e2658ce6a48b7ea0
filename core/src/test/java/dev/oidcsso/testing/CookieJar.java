package dev.oidcsso.testing;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cookie store of a {@link Browser}, following RFC 6265 section 5 where a test can notice:
 * {@code Domain} and host-only cookies, {@code Path} matching and the default path, {@code Secure}
 * (sent over https only, and refused from http), {@code Max-Age} winning over {@code Expires},
 * deletion by a past expiry or {@code Max-Age=0}, and the {@code __Secure-} and {@code __Host-}
 * prefixes. Ports do not separate cookies, as in browsers.
 *
 * <p>Thread-safe; the clock decides expiry, so a {@link MutableClock} tests it without sleeping.
 */
public final class CookieJar {

    private final Clock clock;
    private final boolean loopbackIsSecure;
    private final List<Entry> entries = new ArrayList<>();
    private long sequence;

    /**
     * Creates an empty jar.
     *
     * @param clock decides when cookies expire
     * @param loopbackIsSecure treat http to 127.0.0.1 and localhost as a secure origin, as Chrome and
     *     Firefox do, so {@code Secure} cookies work against a local server without TLS
     */
    public CookieJar(Clock clock, boolean loopbackIsSecure) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.loopbackIsSecure = loopbackIsSecure;
    }

    /**
     * Stores the cookies of a response.
     *
     * @param requestUri the URI the response answered
     * @param setCookieHeaders the {@code Set-Cookie} header values
     */
    public void receive(URI requestUri, List<String> setCookieHeaders) {
        for (String header : setCookieHeaders) {
            parse(requestUri, header).ifPresent(this::store);
        }
    }

    /**
     * The value of the {@code Cookie} header for a request, if any cookie applies.
     *
     * @param requestUri the request's URI
     * @return for example {@code a=1; b=2}
     */
    public Optional<String> header(URI requestUri) {
        List<Cookie> cookies = matching(requestUri);
        return cookies.isEmpty() ? Optional.empty()
                : Optional.of(cookies.stream().map(c -> c.name() + "=" + c.value()).collect(Collectors.joining("; ")));
    }

    /**
     * The cookies a request to this URI would carry, longest path first (RFC 6265 5.4).
     *
     * @param requestUri the request's URI
     * @return the cookies
     */
    public synchronized List<Cookie> matching(URI requestUri) {
        purge();
        String host = host(requestUri);
        String path = requestUri.getRawPath() == null || requestUri.getRawPath().isEmpty() ? "/" : requestUri.getRawPath();
        boolean secureChannel = isSecure(requestUri);
        return entries.stream()
                .filter(e -> domainMatches(e.cookie, host) && pathMatches(path, e.cookie.path())
                        && (!e.cookie.secure() || secureChannel))
                .sorted(Comparator.comparingInt((Entry e) -> -e.cookie.path().length())
                        .thenComparingLong(e -> e.created))
                .map(e -> e.cookie)
                .toList();
    }

    /**
     * Every live cookie, oldest first.
     *
     * @return the cookies
     */
    public synchronized List<Cookie> all() {
        purge();
        return entries.stream().map(e -> e.cookie).toList();
    }

    /**
     * The live cookie with this name, whatever its host or path; the first stored wins if several.
     *
     * @param name the cookie name
     * @return the cookie, if present
     */
    public synchronized Optional<Cookie> get(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * The live cookie with this name for a host.
     *
     * @param host the host, for example {@code 127.0.0.1}
     * @param name the cookie name
     * @return the cookie, if present
     */
    public synchronized Optional<Cookie> get(String host, String name) {
        String lower = host.toLowerCase(Locale.ROOT);
        return all().stream().filter(c -> c.name().equals(name) && domainMatches(c, lower)).findFirst();
    }

    /**
     * Stores a cookie by hand, replacing the one with the same name, domain and path (a replayed
     * or tampered cookie, or one copied from another browser).
     *
     * @param cookie the cookie
     */
    public synchronized void put(Cookie cookie) {
        store(cookie);
    }

    /**
     * Removes every cookie with this name.
     *
     * @param name the cookie name
     * @return whether any was removed
     */
    public synchronized boolean remove(String name) {
        return entries.removeIf(e -> e.cookie.name().equals(name));
    }

    /** Removes every cookie. */
    public synchronized void clear() {
        entries.clear();
    }

    // ------------------------------------------------------------------ RFC 6265 5.2 and 5.3

    private Optional<Cookie> parse(URI requestUri, String header) {
        String[] parts = header.split(";");
        int eq = parts[0].indexOf('=');
        if (eq < 0) {
            return Optional.empty();
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String host = host(requestUri);
        String domain = null;
        String path = null;
        boolean secure = false;
        boolean httpOnly = false;
        Optional<String> sameSite = Optional.empty();
        Optional<Instant> expires = Optional.empty();
        Optional<Instant> maxAge = Optional.empty();
        for (int i = 1; i < parts.length; i++) {
            String attribute = parts[i].trim();
            int split = attribute.indexOf('=');
            String key = (split < 0 ? attribute : attribute.substring(0, split)).trim().toLowerCase(Locale.ROOT);
            String attributeValue = split < 0 ? "" : attribute.substring(split + 1).trim();
            switch (key) {
                case "expires" -> {
                    try {
                        expires = Optional.of(ZonedDateTime.parse(attributeValue, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                    } catch (DateTimeParseException ignored) {
                        // RFC 6265 5.2.1: an unparseable date is ignored, the cookie is kept.
                    }
                }
                case "max-age" -> {
                    try {
                        long seconds = Long.parseLong(attributeValue);
                        maxAge = Optional.of(seconds <= 0 ? Instant.EPOCH : clock.instant().plusSeconds(seconds));
                    } catch (NumberFormatException ignored) {
                        // RFC 6265 5.2.2: a malformed Max-Age is ignored.
                    }
                }
                case "domain" -> {
                    String d = attributeValue.startsWith(".") ? attributeValue.substring(1) : attributeValue;
                    domain = d.isEmpty() ? null : d.toLowerCase(Locale.ROOT);
                }
                case "path" -> path = attributeValue.startsWith("/") ? attributeValue : null;
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                case "samesite" -> sameSite = Optional.of(attributeValue);
                default -> {
                    // Unknown attributes are ignored (RFC 6265 5.2).
                }
            }
        }
        Optional<Instant> expiry = maxAge.isPresent() ? maxAge : expires;
        boolean hostOnly = domain == null;
        if (!hostOnly && !domainMatches(domain, host)) {
            return Optional.empty();
        }
        if (secure && !isSecure(requestUri)) {
            return Optional.empty();
        }
        if (name.startsWith("__Secure-") && !secure) {
            return Optional.empty();
        }
        if (name.startsWith("__Host-") && (!secure || !hostOnly || !"/".equals(path))) {
            return Optional.empty();
        }
        return Optional.of(new Cookie(name, value, hostOnly ? host : domain, hostOnly,
                path != null ? path : defaultPath(requestUri), secure, httpOnly, sameSite, expiry));
    }

    private synchronized void store(Cookie cookie) {
        long created = sequence++;
        for (int i = 0; i < entries.size(); i++) {
            Cookie old = entries.get(i).cookie;
            if (old.name().equals(cookie.name()) && old.domain().equals(cookie.domain()) && old.path().equals(cookie.path())) {
                // RFC 6265 5.3 step 11: the replacement keeps the old creation time.
                created = entries.remove(i).created;
                break;
            }
        }
        if (!cookie.isExpired(clock.instant())) {
            entries.add(new Entry(cookie, created));
            entries.sort(Comparator.comparingLong(e -> e.created));
        }
    }

    private void purge() {
        Instant now = clock.instant();
        entries.removeIf(e -> e.cookie.isExpired(now));
    }

    private boolean isSecure(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme()) || (loopbackIsSecure && isLoopback(host(uri)));
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static boolean domainMatches(Cookie cookie, String host) {
        return cookie.hostOnly() ? cookie.domain().equals(host) : domainMatches(cookie.domain(), host);
    }

    private static boolean domainMatches(String domain, String host) {
        if (host.equals(domain)) {
            return true;
        }
        // RFC 6265 5.1.3: a suffix match never applies to an IP address.
        boolean ip = host.matches("[0-9.]+") || host.contains(":") || host.startsWith("[");
        return !ip && host.endsWith("." + domain);
    }

    private static boolean pathMatches(String requestPath, String cookiePath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        return requestPath.startsWith(cookiePath)
                && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
    }

    private static String defaultPath(URI uri) {
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/")) {
            return "/";
        }
        int last = path.lastIndexOf('/');
        return last == 0 ? "/" : path.substring(0, last);
    }

    private record Entry(Cookie cookie, long created) {
    }
}
