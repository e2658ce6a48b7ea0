package dev.oidcsso.benchmarks;

import dev.oidcsso.http.WebRequest;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * A request to {@code /api/experiments} as a server adapter would present it, with at most one
 * header and one cookie: all the benchmarks need.
 *
 * @param header      the one header's name, or empty
 * @param headerValue its value
 * @param cookie      the one cookie's name, or empty
 * @param cookieValue its value
 */
record BenchmarkRequest(String header, String headerValue, String cookie, String cookieValue) implements WebRequest {

    static BenchmarkRequest withHeader(String name, String value) {
        return new BenchmarkRequest(name, value, "", "");
    }

    static BenchmarkRequest withCookie(String name, String value) {
        return new BenchmarkRequest("", "", name, value);
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/api/experiments";
    }

    @Override
    public Map<String, String> queryParameters() {
        return Map.of();
    }

    @Override
    public Optional<String> header(String name) {
        return header.equalsIgnoreCase(name) ? Optional.of(headerValue) : Optional.empty();
    }

    @Override
    public Optional<String> cookie(String name) {
        return cookie.equals(name) ? Optional.of(cookieValue) : Optional.empty();
    }

    @Override
    public String remoteAddress() {
        return "127.0.0.1";
    }

    @Override
    public URI baseUri() {
        return URI.create("http://localhost:8080");
    }
}
