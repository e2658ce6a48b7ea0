package dev.oidcsso.benchmarks;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.web.OidcSso;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What the benchmarks' stub IdPs have in common, on the JDK's HTTP server: a loopback server, the
 * discovery document and the signing key, a JSON answer, and the wait for the framework's discovery.
 */
final class StubIdp {

    private StubIdp() {
    }

    /**
     * A server on a free loopback port, not started. Its answers are sent without Nagle's delay: the
     * JDK's server writes headers and body in two segments, and the second would wait 40 ms for the
     * client's delayed acknowledgement (a login run long enough to warm the JIT up would take many
     * minutes). It changes the stub's latency only, not the application's CPU.
     *
     * @param backlog the accept backlog
     * @return the server
     * @throws IOException if no port can be bound
     */
    static HttpServer loopback(int backlog) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
    }

    /**
     * Serves the discovery document (its token endpoint at {@code /token}, for the caller to serve
     * if it needs one) and the public key at {@code /jwks}.
     *
     * @param server the server
     * @param key    the signing key (only its public part is published)
     * @return the issuer, the server's base URL
     */
    static String publish(HttpServer server, RSAKey key) {
        String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        byte[] discovery = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}").getBytes(StandardCharsets.UTF_8);
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/.well-known/openid-configuration", exchange -> sendJson(exchange, discovery));
        server.createContext("/jwks", exchange -> sendJson(exchange, jwks));
        return issuer;
    }

    /**
     * Answers 200 with a JSON body that no cache may keep.
     *
     * @param exchange the exchange
     * @param body     the body
     * @throws IOException if the client went away
     */
    static void sendJson(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /**
     * Waits up to 10 s for the framework to have discovered the stub.
     *
     * @param sso the framework
     * @throws InterruptedException if interrupted
     */
    static void awaitDiscovery(OidcSso sso) throws InterruptedException {
        for (int tries = 0; tries < 200 && !sso.ready(); tries++) {
            Thread.sleep(50);
        }
        if (!sso.ready()) {
            throw new IllegalStateException("the stub IdP was not discovered");
        }
    }
}
