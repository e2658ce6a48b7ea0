package dev.oidcsso.testing.stub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.oidcsso.testing.RecordedRequest;
import dev.oidcsso.testing.StubServer;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link StubServer} with routes by method and path that compute a {@link Response} from a
 * {@link Request}, which is how IdP-shaped stubs are most easily written: JSON in, JSON or a
 * redirect out. Runs on 127.0.0.1 and a free port; nothing here reaches the internet.
 */
public final class StubHttpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StubServer server;
    private final Map<String, Function<Request, Response>> routes = new ConcurrentHashMap<>();

    private StubHttpServer(StubServer server) {
        this.server = server;
    }

    /**
     * Starts a server on a free loopback port.
     *
     * @return the running server
     */
    public static StubHttpServer start() {
        return new StubHttpServer(StubServer.start());
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
        server.on(path, this::dispatch);
        return this;
    }

    /**
     * The base URL, {@code http://127.0.0.1:<port>}.
     *
     * @return the base URL without a trailing slash
     */
    public URI base() {
        return server.baseUrl();
    }

    /**
     * An absolute URL on this server.
     *
     * @param pathAndQuery a path starting with {@code /}
     * @return the URL
     */
    public URI url(String pathAndQuery) {
        return URI.create(server.url(pathAndQuery));
    }

    /**
     * Every request received, in order.
     *
     * @return the requests
     */
    public List<Request> requests() {
        return server.requests().stream().map(StubHttpServer::request).toList();
    }

    /**
     * The requests received on one path.
     *
     * @param path the path
     * @return the requests
     */
    public List<Request> requests(String path) {
        return requests().stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.close();
    }

    private void dispatch(HttpExchange exchange, RecordedRequest recorded) throws IOException {
        Request request = request(recorded);
        Function<Request, Response> handler = routes.get(request.method() + " " + request.path());
        Response response = handler == null ? Response.json(405, Map.of("error", "method_not_allowed")) : handler.apply(request);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        StubServer.respond(exchange, response.status(), response.headers().getOrDefault("Content-Type", "text/plain"),
                response.body());
    }

    private static Request request(RecordedRequest recorded) {
        return new Request(recorded.method(), recorded.path(), first(recorded.query()), first(recorded.headers()),
                first(recorded.form()));
    }

    private static Map<String, String> first(Map<String, List<String>> values) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((name, list) -> {
            if (!list.isEmpty()) {
                result.put(name, list.get(0));
            }
        });
        return result;
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
     * @param path    the path, without the query
     * @param query   the decoded query parameters (first values)
     * @param headers the headers (first values), lower-case names
     * @param form    the decoded url-encoded form body (first values), empty for other bodies
     */
    public record Request(String method, String path, Map<String, String> query, Map<String, String> headers,
                          Map<String, String> form) {

        /**
         * Copies the maps so the record stays immutable.
         *
         * @param method  the method
         * @param path    the path
         * @param query   the query parameters
         * @param headers the headers
         * @param form    the form parameters
         */
        public Request {
            query = Map.copyOf(query);
            headers = Map.copyOf(headers);
            form = Map.copyOf(form);
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
}
