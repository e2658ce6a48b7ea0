package dev.oidcsso.testing;

import dev.oidcsso.http.WebRequest;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as a server adapter presents it, for tests that call the framework without a server:
 * headers by name, case-insensitively, each with all its lines in order, and cookies read from the
 * {@code Cookie} lines exactly as {@link WebRequest} reads them for every adapter.
 *
 * @param method      the HTTP method
 * @param path        the path below the application's root
 * @param baseUri     the application's root address, which tells http from https
 * @param headerLines each header's lines, by lower-case name
 */
public record TestRequest(String method, String path, URI baseUri, Map<String, List<String>> headerLines) implements WebRequest {

    /**
     * Copies the header lines, so a request is an immutable value.
     *
     * @param method      the HTTP method
     * @param path        the path below the application's root
     * @param baseUri     the application's root address
     * @param headerLines each header's lines, by lower-case name
     */
    public TestRequest {
        headerLines = Map.copyOf(headerLines);
    }

    /**
     * A {@code GET} of {@code path} at {@code http://localhost:8080}, without headers.
     *
     * @param path the path
     * @return the request
     */
    public static TestRequest get(String path) {
        return new TestRequest("GET", path, URI.create("http://localhost:8080"), Map.of());
    }

    /**
     * This request with a header's lines added after those it has.
     *
     * @param name  the header's name, in any case
     * @param lines its lines
     * @return the new request
     */
    public TestRequest withHeader(String name, String... lines) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headerLines);
        copy.merge(name.toLowerCase(Locale.ROOT), List.of(lines), (old, added) -> {
            List<String> all = new java.util.ArrayList<>(old);
            all.addAll(added);
            return List.copyOf(all);
        });
        return new TestRequest(method, path, baseUri, copy);
    }

    /**
     * This request with {@code Cookie} lines added, each as a browser would send it ({@code a=1; b=2}).
     *
     * @param lines the lines
     * @return the new request
     */
    public TestRequest withCookieLines(String... lines) {
        return withHeader("Cookie", lines);
    }

    /**
     * This request made to another root address.
     *
     * @param base the root address, such as {@code https://app.example.com/tracking}
     * @return the new request
     */
    public TestRequest at(String base) {
        return new TestRequest(method, path, URI.create(base), headerLines);
    }

    @Override
    public Map<String, String> queryParameters() {
        return Map.of();
    }

    @Override
    public Optional<String> header(String name) {
        return headers(name).stream().findFirst();
    }

    @Override
    public List<String> headers(String name) {
        return headerLines.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public Optional<String> cookie(String name) {
        return cookies(name).stream().findFirst();
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }
}
