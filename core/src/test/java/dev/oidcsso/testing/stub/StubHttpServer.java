package dev.oidcsso.testing.stub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny HTTP server on 127.0.0.1 and a free port, for tests that stand in for an IdP or a
 * directory: routes by method and path answer with canned or computed responses, and every request
 * is recorded so the test can assert what was sent. Nothing here reaches the internet.
 */
public final class StubHttpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Function<Request, Response>> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private StubHttpServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @return the running server
     */
    public static StubHttpServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StubHttpServer stub = new StubHttpServer(http);
            http.createContext("/", stub::handle);
            http.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers {@code method path} (the path without query) with the handler.
     *
     * @param method  {@code GET}, {@code POST}, ...
     * @param path    the exact path
     * @param handler computes the response
     * @return this server
     */
    public StubHttpServer route(String method, String path, Function<Request, Response> handler) {
        routes.put(method.toUpperCase(Locale.ROOT) + " " + path, handler);
        return this;
    }

    /**
     * The base URL, {@code http://127.0.0.1:<port>}.
     *
     * @return the base URL without a trailing slash
     */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * An absolute URL on this server.
     *
     * @param pathAndQuery a path starting with {@code /}
     * @return the URL
     */
    public URI url(String pathAndQuery) {
        return URI.create(base() + pathAndQuery);
    }

    /**
     * Every request received, in order.
     *
     * @return the requests
     */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * The requests received on one path.
     *
     * @param path the path
     * @return the requests
     */
    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            URI uri = exchange.getRequestURI();
            Request request = new Request(exchange.getRequestMethod(), uri.getRawPath(),
                    parseForm(uri.getRawQuery()), Collections.unmodifiableMap(headers), body);
            requests.add(request);
            Function<Request, Response> handler = routes.get(request.method() + " " + request.path());
            Response response = handler == null ? Response.json(404, Map.of("error", "not_found")) : handler.apply(request);
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
            throw e;
        }
    }

    /**
     * Decodes a query string or form body.
     *
     * @param text the encoded text, possibly {@code null}
     * @return names to (first) values
     */
    public static Map<String, String> parseForm(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return values;
        }
        for (String pair : text.split("&")) {
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    /**
     * A received request.
     *
     * @param method  the method
     * @param path    the raw path
     * @param query   the decoded query parameters
     * @param headers the headers, lower-case names
     * @param body    the body
     */
    public record Request(String method, String path, Map<String, String> query, Map<String, String> headers,
                          String body) {

        /**
         * The decoded form body.
         *
         * @return names to values
         */
        public Map<String, String> form() {
            return parseForm(body);
        }

        /**
         * One header.
         *
         * @param name the name, any case
         * @return its value
         */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        /**
         * The bearer token of the {@code Authorization} header.
         *
         * @return the token, or empty
         */
        public Optional<String> bearer() {
            return header("authorization").filter(h -> h.startsWith("Bearer ")).map(h -> h.substring(7));
        }
    }

    /**
     * A response to send.
     *
     * @param status  the status
     * @param headers the headers
     * @param body    the body
     */
    public record Response(int status, Map<String, String> headers, String body) {

        /**
         * A 200 JSON response.
         *
         * @param value a value Jackson can write
         * @return the response
         */
        public static Response json(Object value) {
            return json(200, value);
        }

        /**
         * A JSON response.
         *
         * @param status the status
         * @param value  a value Jackson can write
         * @return the response
         */
        public static Response json(int status, Object value) {
            try {
                return new Response(status, Map.of("Content-Type", "application/json"), JSON.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e);
            }
        }

        /**
         * A 302 redirect.
         *
         * @param location where to
         * @return the response
         */
        public static Response redirect(String location) {
            return new Response(302, Map.of("Location", location), "");
        }

        /**
         * A plain-text response.
         *
         * @param status the status
         * @param text   the body
         * @return the response
         */
        public static Response text(int status, String text) {
            return new Response(status, Map.of("Content-Type", "text/plain; charset=utf-8"), text);
        }
    }

    /**
     * Builds a list of JSON objects, for stub responses.
     *
     * @param items the items
     * @return a mutable list
     */
    public static List<Object> list(Object... items) {
        return new ArrayList<>(List.of(items));
    }
}
