package dev.oidcsso.oidc;

import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import dev.oidcsso.config.OidcSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every answer of the IdP is read whole, but bounded in size and time, whatever the IdP sends. */
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
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
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
    void stop() throws IOException {
        server.stop(0);
        if (headerTrickler != null) {
            headerTrickler.close();
        }
    }

    private ServerSocket headerTrickler;

    /**
     * A server that sends its status line and then a header a byte every 150 ms (each within the read
     * timeout), which the JDK's HTTP server cannot be made to do.
     */
    private URI trickledHeaders() throws IOException {
        headerTrickler = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            while (!headerTrickler.isClosed()) {
                try (Socket socket = headerTrickler.accept()) {
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 200; i++) {
                        out.write('X');
                        out.flush();
                        Thread.sleep(150);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up, as it should, or the test ended
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
        return URI.create("http://127.0.0.1:" + headerTrickler.getLocalPort() + "/token");
    }

    private HTTPRequest get(String path) throws IOException {
        return new HTTPRequest(HTTPRequest.Method.GET, base.resolve(path).toURL());
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
    void headersTrickledByteByByteEndAtTwiceTheTimeout() throws IOException {
        URI endpoint = trickledHeaders();
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofMillis(400))
                .postForm(endpoint, Optional.empty(), "a=b", "token endpoint"));
        assertTrue(e.getMessage().contains("did not finish its answer"), e.getMessage());
    }

    @Test
    void aGetWithTrickledHeadersEndsAtTwiceTheTimeout() throws IOException {
        URI endpoint = trickledHeaders();
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofMillis(400))
                .send(new HTTPRequest(HTTPRequest.Method.GET, endpoint.toURL()), "discovery document"));
        assertTrue(e.getMessage().contains("did not finish its answer"), e.getMessage());
    }

    @Test
    void aGetIsReadWholeWithItsHeaders() throws IOException {
        HTTPRequest request = get("/token");
        request.setAuthorization("Bearer x");
        HTTPResponse response = new OidcHttp(Duration.ofSeconds(5)).send(request, "UserInfo endpoint");
        assertEquals(200, response.getStatusCode());
        assertTrue(response.getBody().contains("access_token"));
        assertEquals("application/json", response.getHeaderValue("Content-Type"));
        assertEquals("Bearer error=\"invalid_token\"", response.getHeaderValue("WWW-Authenticate"), "UserInfo's refusal is read from it");
    }

    @Test
    void aTrickledDiscoveryOrUserInfoAnswerEndsAtTwiceTheTimeout() {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofMillis(400))
                .send(get("/trickle"), "UserInfo endpoint"));
        assertTrue(e.getMessage().contains("UserInfo endpoint") && e.getMessage().contains("did not finish its answer"), e.getMessage());
    }

    @Test
    void aDiscoveryOrUserInfoAnswerWithoutEndIsCutAtItsSizeBound() {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofSeconds(30))
                .send(get("/endless"), "discovery document"));
        assertTrue(e.getMessage().contains("larger than 1024 KiB"), e.getMessage());
    }

    @Test
    void keysAreFetchedWithTheSameBounds() throws IOException {
        ResourceRetriever keys = new OidcHttp(Duration.ofMillis(400)).keyRetriever();
        assertTrue(keys.retrieveResource(base.resolve("/token").toURL()).getContent().contains("access_token"));
        assertThrows(ProviderUnavailableException.class, () -> keys.retrieveResource(base.resolve("/trickle").toURL()));
        assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofSeconds(30)).keyRetriever()
                .retrieveResource(base.resolve("/endless").toURL()));
        IOException missing = assertThrows(IOException.class, () -> keys.retrieveResource(base.resolve("/nothing-here").toURL()));
        assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
    }

    @Test
    void aDiscoveryDocumentWithoutEndIsRefusedClearly() {
        OidcSettings settings = OidcSettings.builder().discoveryUrl(base.resolve("/endless").toString())
                .client("app", "app-secret").build();
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
                () -> new Discovery(settings, new OidcHttp(Duration.ofSeconds(30))).discover());
        assertTrue(e.getMessage().contains("discovery document") && e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void anAnswerWithoutEndIsCutAtItsSizeBound() {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofSeconds(30))
                .postForm(base.resolve("/endless"), Optional.empty(), "a=b", "token endpoint"));
        assertTrue(e.getMessage().contains("larger than 1024 KiB"), e.getMessage());
    }
}
