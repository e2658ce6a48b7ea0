package dev.oidcsso.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.oidcsso.http.Authority;
import dev.oidcsso.http.TrustedProxies;
import dev.oidcsso.http.WebRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Works out the application's outside URL behind a TLS-terminating, path-prefixing reverse proxy
 * from {@code Forwarded} (RFC 7239) or {@code X-Forwarded-Proto}, {@code -Host}, {@code -Port} and
 * {@code -Prefix}, but only on requests whose peer is a trusted proxy: from anyone else these
 * headers are ignored, so they cannot change redirect URIs, cookie flags or links. The first value
 * of a list is used; configure the proxy to overwrite, not append to, what the client sent.
 * {@code X-Forwarded-Prefix} replaces the container's context path, as in Spring.
 */
final class ForwardedHeaders {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardedHeaders.class);
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,=:@-]+)*/?");
    private static final List<String> NAMES = List.of("Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host",
            "X-Forwarded-Port", "X-Forwarded-Prefix");

    private final TrustedProxies proxies;
    /** The forwarding headers, then the identity headers: what an untrusted peer should not send, in one array. */
    private final String[] spoofable;
    private final boolean standard;
    private final boolean legacy;
    private final Cache<String, Boolean> warned = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();

    /**
     * @param proxies         the trusted proxies
     * @param identityHeaders the identity header names, for the spoofing warning
     * @param families        which header families to read: {@code forwarded} (RFC 7239) and/or
     *                        {@code x-forwarded}; reading only the one the proxy overwrites keeps a
     *                        client from choosing the other
     */
    ForwardedHeaders(TrustedProxies proxies, List<String> identityHeaders, java.util.Set<String> families) {
        this.proxies = proxies;
        List<String> spoofable = new java.util.ArrayList<>(NAMES);
        spoofable.addAll(identityHeaders);
        this.spoofable = spoofable.toArray(new String[0]);
        this.standard = families.contains("forwarded");
        this.legacy = families.contains("x-forwarded");
    }

    /** The request as seen from outside the proxy. */
    WebRequest resolve(WebRequest request) {
        if (!proxies.trusts(request.remoteAddress())) {
            warnIfSpoofed(request);
            return request;
        }
        Optional<String> forwarded = standard ? request.header("Forwarded") : Optional.empty();
        Optional<String> proto = forwarded.flatMap(f -> forwardedParam(f, "proto")).or(() -> legacy(request, "X-Forwarded-Proto"))
                .map(p -> p.toLowerCase(Locale.ROOT)).filter(p -> p.equals("http") || p.equals("https"));
        Optional<String> host = forwarded.flatMap(f -> forwardedParam(f, "host")).or(() -> legacy(request, "X-Forwarded-Host"))
                .filter(Authority::isValid);
        Optional<String> port = legacy(request, "X-Forwarded-Port").filter(p -> PORT.matcher(p).matches());
        Optional<String> prefix = legacy(request, "X-Forwarded-Prefix").filter(p -> PREFIX.matcher(p).matches() && !p.contains(".."))
                .map(p -> p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
        if (proto.isEmpty() && host.isEmpty() && port.isEmpty() && prefix.isEmpty()) {
            return request;
        }
        URI inside = request.baseUri();
        String scheme = proto.orElse(inside.getScheme());
        String authority = host.orElse(inside.getRawAuthority());
        if (port.isPresent()) {
            authority = Authority.withoutPort(authority) + ":" + port.get();
        }
        authority = withoutDefaultPort(scheme, authority);
        String path = prefix.orElse(inside.getRawPath() == null ? "" : inside.getRawPath());
        URI outside = URI.create(scheme + "://" + authority + path);
        return new Outside(request, outside);
    }

    private void warnIfSpoofed(WebRequest request) {
        // A loop, not a stream: this runs on every request from a peer that is not a proxy, which is most of them.
        boolean spoofing = false;
        for (int k = 0; k < spoofable.length && !spoofing; k++) {
            spoofing = request.header(spoofable[k]).isPresent();
        }
        if (spoofing && warned.asMap().putIfAbsent(request.remoteAddress(), Boolean.TRUE) == null) {
            LOG.warn("Ignored forwarding or identity headers from {}, which is not in OIDC_TRUSTED_PROXIES "
                    + "(logged once per address per hour)", request.remoteAddress());
        }
    }

    private Optional<String> legacy(WebRequest request, String name) {
        return legacy ? first(request, name) : Optional.empty();
    }

    private static Optional<String> first(WebRequest request, String name) {
        return request.header(name).map(value -> value.split(",", 2)[0].trim()).filter(value -> !value.isEmpty());
    }

    /** One parameter of the first element of an RFC 7239 {@code Forwarded} header. */
    static Optional<String> forwardedParam(String header, String name) {
        String element = header.split(",", 2)[0];
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String value = pair.substring(eq + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    private static String withoutDefaultPort(String scheme, String authority) {
        if ((scheme.equals("https") && authority.endsWith(":443")) || (scheme.equals("http") && authority.endsWith(":80"))) {
            return Authority.withoutPort(authority);
        }
        return authority;
    }

    /** The request with the outside base URL. */
    private record Outside(WebRequest inner, URI baseUri) implements WebRequest {

        @Override
        public String method() {
            return inner.method();
        }

        @Override
        public String path() {
            return inner.path();
        }

        @Override
        public Map<String, String> queryParameters() {
            return inner.queryParameters();
        }

        @Override
        public Optional<String> header(String name) {
            return inner.header(name);
        }

        @Override
        public List<String> headers(String name) {
            return inner.headers(name);
        }

        @Override
        public Optional<String> cookie(String name) {
            return inner.cookie(name);
        }

        @Override
        public String remoteAddress() {
            return inner.remoteAddress();
        }

        @Override
        public byte[] body(int maxBytes) {
            return inner.body(maxBytes);
        }
    }
}
