package dev.oidcsso.oidc;

import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.StubServer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every answer of the IdP is read whole, but bounded in size and time, whatever the IdP sends. */
class OidcHttpTest {

    private StubServer server;
    private URI base;

    @BeforeEach
    void start() {
        server = StubServer.start().on("/token", (exchange, request) -> {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            StubServer.respond(exchange, 200, "application/json", "{\"access_token\":\"a\",\"token_type\":\"Bearer\"}");
        }).on("/moved", (exchange, request) -> StubServer.redirect(exchange, 302, server.url("/token")))
                .on("/trickle", StubServer.trickle()).on("/endless", StubServer.endless());
        base = server.baseUrl();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
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

    @Test
    void aTrickledAnswerEndsAtItsDeadlineWhileTheSharedDelayThreadIsBusy() throws Exception {
        // The JDK's one delay thread also runs every other delayed task in the JVM, and a cut made from it
        // waits for the read it interrupts: several slow answers' cuts would queue behind each other. Here
        // that thread is held busy; the answer must still end near its own deadline (0.8 s), not when it frees.
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            busy.countDown();
            try {
                release.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, java.util.concurrent.CompletableFuture.delayedExecutor(0, java.util.concurrent.TimeUnit.MILLISECONDS, Runnable::run));
        assertTrue(busy.await(10, java.util.concurrent.TimeUnit.SECONDS));
        try {
            ProviderUnavailableException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
                    ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofMillis(400))
                            .postForm(base.resolve("/trickle"), Optional.empty(), "a=b", "token endpoint")));
            assertTrue(e.getMessage().contains("did not finish its answer"), e.getMessage());
        } finally {
            release.countDown();
        }
    }

    @Test
    void keysFollowARedirectAndTheTokenEndpointDoesNot() throws IOException {
        ResourceRetriever keys = new OidcHttp(Duration.ofSeconds(5)).keyRetriever();
        assertTrue(keys.retrieveResource(base.resolve("/moved").toURL()).getContent().contains("access_token"));
        assertEquals(302, new OidcHttp(Duration.ofSeconds(5)).postForm(base.resolve("/moved"), Optional.empty(), "a=b", "token endpoint")
                .getStatusCode());
    }

    @Test
    void anEndpointThatIsNoHttpUrlIsUnavailableNotACrash() throws IOException {
        ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class, () -> new OidcHttp(Duration.ofSeconds(5))
                .send(new HTTPRequest(HTTPRequest.Method.GET, new java.net.URL("file:///etc/hostname")), "UserInfo endpoint"));
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
    }
}
