package dev.oidcsso.testing.stub;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.auth.Principal;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.OidcSsoHttpFilter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A protected application on the JDK HttpServer, on a free loopback port, that answers
 * {@code hello <user> [(admin)] via <method> at <path>}: what end-to-end tests log in to.
 */
public final class StubApp implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private StubApp(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the application behind the framework's JDK HttpServer filter.
     *
     * @param sso the framework
     * @return the running application
     */
    public static StubApp start(OidcSso sso) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String who = OidcSsoHttpFilter.principal(exchange).map(StubApp::describe).orElse("anonymous");
                byte[] body = ("hello " + who + " at " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }).getFilters().add(new OidcSsoHttpFilter(sso));
            ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "stub-app");
                thread.setDaemon(true);
                return thread;
            });
            server.setExecutor(executor);
            server.start();
            return new StubApp(server, executor);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The application's base URL.
     *
     * @return {@code http://127.0.0.1:<port>}
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String describe(Principal principal) {
        return principal.username() + (principal.admin() ? " (admin)" : "") + " via " + principal.method().wireName();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
