package dev.oidcsso.oidc;

import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token endpoint's answer is read whole, but bounded in size and time, whatever the IdP sends. */
class OidcHttpTest {

    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/token", exchange -> {
            byte[] body = "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/trickle", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                // A byte every 150 ms, each within the 400 ms read timeout, for up to 30 s.
                for (int i = 0; i < 200; i++) {
                    out.write(' ');
                    out.flush();
                    Thread.sleep(150);
                }
            } catch (IOException | InterruptedException e) {
                // the client hung up, as it should
            }
        });
        server.createContext("/endless", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client hung up, as it should
            }
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void anOrdinaryAnswerIsReadWhole() {
        HTTPResponse response = new OidcHttp(Duration.ofSeconds(5)).postForm(base.resolve("/token"), Optional.empty(), "a=b", "token endpoint");
        assertEquals(200, response.getStatusCode());
        assertTrue(response.getBody().contains("access_token"));
    }

    @Test
    void anAnswerTrickledByteByByteEndsAtTwiceTheTimeout() {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofMillis(400))
                .postForm(base.resolve("/trickle"), Optional.empty(), "a=b", "token endpoint"));
        assertTrue(e.getMessage().contains("did not finish its answer"), e.getMessage());
    }

    @Test
    void anAnswerWithoutEndIsCutAtItsSizeBound() {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofSeconds(30))
                .postForm(base.resolve("/endless"), Optional.empty(), "a=b", "token endpoint"));
        assertTrue(e.getMessage().contains("larger than 1024 KiB"), e.getMessage());
    }
}
