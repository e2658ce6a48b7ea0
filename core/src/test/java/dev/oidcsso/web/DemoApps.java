package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.auth.Principal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** A protected application on the JDK HttpServer that answers with who the caller is. */
final class DemoApps {

    private DemoApps() {
    }

    /**
     * Starts an app on a free loopback port, protected by the given framework.
     *
     * @param sso the framework
     * @return the running server; stop it with {@code stop(0)}
     */
    static HttpServer jdkApp(OidcSso sso) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String who = OidcSsoHttpFilter.principal(exchange).map(DemoApps::describe).orElse("anonymous");
            byte[] body = ("hello " + who + " at " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }).getFilters().add(new OidcSsoHttpFilter(sso));
        server.setExecutor(Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "demo-app");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return server;
    }

    static String describe(Principal principal) {
        return principal.username() + (principal.admin() ? " (admin)" : "") + " via " + principal.method().wireName();
    }

    static String baseUrl(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
