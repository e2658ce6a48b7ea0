package dev.oidcsso.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scriptable HTTP server on 127.0.0.1 for stubbing what cannot be reached from here (an IdP's
 * directory API, a broken application): each path answers with a {@link Route}, every request is
 * recorded. Daemon threads; stops on close.
 *
 * <pre>{@code
 * try (StubServer graph = StubServer.start()) {
 *     graph.on("/v1.0/me/memberOf", ex -> StubServer.respond(ex, 200, "application/json", "{\"value\":[]}"));
 * }
 * }</pre>
 */
public final class StubServer implements AutoCloseable {

    /** What a path answers. */
    @FunctionalInterface
    public interface Route {
        /**
         * Answers one request; the request body has already been read and recorded.
         *
         * @param exchange the exchange, to be answered with {@link StubServer#respond} or directly
         * @param request the request as recorded
         * @throws IOException when writing the answer fails
         */
        void handle(HttpExchange exchange, RecordedRequest request) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private StubServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a stub server to 127.0.0.1", e);
        }
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "stub-server-" + server.getAddress().getPort());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    /**
     * Starts a server with no routes (every path answers 404).
     *
     * @return the running server
     */
    public static StubServer start() {
        return new StubServer();
    }

    /**
     * Sets what a path answers (exact match on the path, query ignored).
     *
     * @param path for example {@code /callback}
     * @param route the answer
     * @return this server
     */
    public StubServer on(String path, Route route) {
        routes.put(path, route);
        return this;
    }

    /**
     * The base URL.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * A URL on this server.
     *
     * @param path the path (and query), starting with {@code /}
     * @return the base URL followed by the path
     */
    public String url(String path) {
        return baseUrl() + path;
    }

    /**
     * Every request received, in order.
     *
     * @return a snapshot
     */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * Answers with a status and a text body.
     *
     * @param exchange the exchange
     * @param status the status
     * @param contentType the content type
     * @param body the body, UTF-8
     * @throws IOException when writing fails
     */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /**
     * Answers with a redirect.
     *
     * @param exchange the exchange
     * @param status 301, 302, 303, 307 or 308
     * @param location the Location header
     * @throws IOException when writing fails
     */
    public static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    /**
     * A route that answers 200 and then one byte every 150 ms for up to 30 s: each byte within any
     * read timeout above that, the whole far beyond it. It ends when the client hangs up.
     *
     * @return the route
     */
    public static Route trickle() {
        return (exchange, request) -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 200; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(150);
                }
            } catch (IOException | InterruptedException e) {
                // the client hung up, as it should
            }
        };
    }

    /**
     * A route that answers 200 and then 64 MiB, or until the client hangs up: an answer without end.
     *
     * @return the route
     */
    public static Route endless() {
        return (exchange, request) -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        };
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            boolean form = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
            RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    TestProvider.parseForm(exchange.getRequestURI().getRawQuery()),
                    form ? TestProvider.parseForm(body) : Map.of(), headers);
            requests.add(request);
            Route route = routes.get(request.path());
            if (route == null) {
                respond(exchange, 404, "text/plain; charset=utf-8", "no stub for " + request.path());
            } else {
                route.handle(exchange, request);
            }
        } finally {
            exchange.close();
        }
    }
}
