package dev.oidcsso.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A response the framework produces, written out by the server adapter.
 *
 * @param status  the HTTP status
 * @param headers header names to values (Set-Cookie may repeat)
 * @param body    the body bytes
 */
public record WebResponse(int status, Map<String, List<String>> headers, byte[] body) {

    /**
     * Creates the value, copying collections so it stays immutable.
     *
     * @param status  the HTTP status
     * @param headers header names to values (Set-Cookie may repeat)
     * @param body    the body bytes
     */
    public WebResponse {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /**
     * The body bytes.
     *
     * @return a copy of the body
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * A 302 redirect.
     *
     * @param location where to
     * @return the response
     */
    public static WebResponse redirect(URI location) {
        // ASCII only: a header cannot carry other characters reliably, so they travel percent-encoded as UTF-8.
        return new WebResponse(302, Map.of("Location", List.of(location.toASCIIString()), "Cache-Control", List.of("no-store")), new byte[0]);
    }

    /**
     * An HTML page.
     *
     * @param status the status
     * @param html   the page
     * @return the response
     */
    public static WebResponse html(int status, String html) {
        return new WebResponse(status, Map.of("Content-Type", List.of("text/html; charset=utf-8"), "Cache-Control", List.of("no-store"),
                "X-Content-Type-Options", List.of("nosniff"),
                "Content-Security-Policy", List.of("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")),
                html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A JSON document.
     *
     * @param status the status
     * @param json   the JSON text
     * @return the response
     */
    public static WebResponse json(int status, String json) {
        return new WebResponse(status, Map.of("Content-Type", List.of("application/json"), "Cache-Control", List.of("no-store"),
                "X-Content-Type-Options", List.of("nosniff")), json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A copy in which a header has exactly this one value, replacing any it had.
     *
     * @param name  the header name
     * @param value the value
     * @return the new response
     */
    public WebResponse replacingHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.put(name, List.of(value));
        return new WebResponse(status, copy, body);
    }

    /**
     * A copy with one more header value.
     *
     * @param name  the header name
     * @param value the value
     * @return the new response
     */
    public WebResponse withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        List<String> values = new ArrayList<>(copy.getOrDefault(name, List.of()));
        values.add(value);
        copy.put(name, values);
        return new WebResponse(status, copy, body);
    }

    /**
     * A copy that sets a cookie.
     *
     * @param cookie the cookie
     * @return the new response
     */
    public WebResponse withCookie(Cookie cookie) {
        return withHeader("Set-Cookie", cookie.toHeader());
    }

    /**
     * The body as text.
     *
     * @return the body decoded as UTF-8
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
