package dev.oidcsso.http;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An incoming HTTP request as the framework sees it, whatever the server (a servlet container, the
 * JDK HttpServer). Every value comes from the client and is untrusted.
 */
public interface WebRequest {

    /** @return the HTTP method, upper case */
    String method();

    /** @return the path within the application (after any context path), starting with {@code /} */
    String path();

    /**
     * The query parameters; the first value of a repeated parameter.
     *
     * @return names to values, decoded
     */
    Map<String, String> queryParameters();

    /**
     * One request header.
     *
     * @param name the header name, case-insensitive
     * @return the first value, or empty
     */
    Optional<String> header(String name);

    /**
     * Every value of a request header, in order: the header lines with that name, not split at
     * commas. Proxies such as oauth2-proxy send one line per group, so reading only the first
     * line would lose groups.
     *
     * @param name the header name, case-insensitive
     * @return the values; empty when the header is absent
     */
    default List<String> headers(String name) {
        return header(name).map(List::of).orElse(List.of());
    }

    /**
     * One cookie.
     *
     * @param name the cookie name
     * @return its value, or empty
     */
    Optional<String> cookie(String name);

    /**
     * Every value the request carries for one cookie name, in order, read from the {@code Cookie}
     * header lines. More than one value means a cookie was planted beside the real one (a sibling
     * subdomain may set cookies for its parent domain); callers that authenticate refuse such a
     * request rather than guess which one is genuine.
     *
     * @param name the cookie name
     * @return the values; empty when absent
     */
    default List<String> cookies(String name) {
        List<String> lines = headers("Cookie");
        if (lines.isEmpty()) {
            return cookie(name).map(List::of).orElse(List.of());
        }
        // Read on every request: only the values of this name are cut out, not every pair of the header.
        List<String> values = List.of();
        for (String line : lines) {
            int start = 0;
            while (start < line.length()) {
                int end = line.indexOf(';', start);
                if (end < 0) {
                    end = line.length();
                }
                int eq = line.indexOf('=', start);
                if (eq > start && eq < end && nameIs(line, start, eq, name)) {
                    String value = line.substring(eq + 1, end).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (values.isEmpty()) {
                        values = List.of(value);
                    } else {
                        values = new java.util.ArrayList<>(values);
                        values.add(value);
                    }
                }
                start = end + 1;
            }
        }
        return values;
    }

    /** Whether {@code line[start, end)}, trimmed as {@link #parseCookies} trims names, is {@code name}. */
    private static boolean nameIs(String line, int start, int end, String name) {
        while (start < end && line.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && line.charAt(end - 1) <= ' ') {
            end--;
        }
        return end - start == name.length() && !name.isEmpty() && line.startsWith(name, start);
    }

    /**
     * Every cookie whose name starts with a prefix, read from the {@code Cookie} header lines.
     *
     * @param prefix the start of the name
     * @return name and value pairs, in order
     */
    default List<Map.Entry<String, String>> cookiesStartingWith(String prefix) {
        return parseCookies(headers("Cookie")).stream().filter(pair -> pair.getKey().startsWith(prefix)).toList();
    }

    /**
     * Splits {@code Cookie} header lines into name and value pairs (RFC 6265 5.4 order; a value in
     * double quotes loses its quotes).
     *
     * @param lines the header lines
     * @return the pairs
     */
    static List<Map.Entry<String, String>> parseCookies(List<String> lines) {
        List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>();
        for (String line : lines) {
            int start = 0;
            while (start < line.length()) {
                int end = line.indexOf(';', start);
                if (end < 0) {
                    end = line.length();
                }
                int eq = line.indexOf('=', start);
                if (eq > start && eq < end) {
                    String name = line.substring(start, eq).trim();
                    String value = line.substring(eq + 1, end).trim();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (!name.isEmpty()) {
                        pairs.add(Map.entry(name, value));
                    }
                }
                start = end + 1;
            }
        }
        return pairs;
    }

    /** @return the address of the peer that connected (a proxy, when there is one) */
    String remoteAddress();

    /**
     * The application's base URL as this request reached the server: scheme, host, port and
     * context path, without a trailing slash.
     *
     * @return for example {@code https://app.example.com/tracking}
     */
    URI baseUri();

    /**
     * One query parameter.
     *
     * @param name the parameter name
     * @return its first value, or empty
     */
    default Optional<String> queryParameter(String name) {
        return Optional.ofNullable(queryParameters().get(name));
    }

    /**
     * The request body, read once and at most {@code maxBytes} long. Only the framework's own
     * routes read it (the REST API); the application's requests pass through with their body
     * untouched. The default is for adapters that cannot read bodies: they fail with 501.
     *
     * @param maxBytes the largest accepted body; a longer one is refused without reading it all
     * @return the body bytes, empty when there is none
     * @throws dev.oidcsso.OidcSsoException (413) when the body is larger than {@code maxBytes},
     *                                      (400) when it cannot be read, (501) when the adapter cannot read bodies
     */
    default byte[] body(int maxBytes) {
        throw new dev.oidcsso.OidcSsoException(501, "This server adapter does not read request bodies.");
    }

    /**
     * Reads at most {@code maxBytes} from a body stream, for adapters.
     *
     * @param in       the body stream (not closed here)
     * @param maxBytes the largest accepted body
     * @return the bytes
     * @throws dev.oidcsso.OidcSsoException (413) when the body is longer, (400) when the stream fails
     */
    static byte[] readLimited(java.io.InputStream in, int maxBytes) {
        try {
            // One byte more than allowed tells "exactly the limit" from "too long" without reading the rest.
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new dev.oidcsso.OidcSsoException(413, "The request body is larger than " + maxBytes + " bytes.");
            }
            return bytes;
        } catch (java.io.IOException e) {
            throw new dev.oidcsso.OidcSsoException(400, "The request body could not be read.", e);
        }
    }

    /** @return whether the request reached the application over https */
    default boolean secure() {
        return "https".equalsIgnoreCase(baseUri().getScheme());
    }
}
