package dev.oidcsso.spi.support;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A directory, workload discovery or service-account answer is bounded in size and time, like the IdP's. */
class JsonHttpBoundsTest {

    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/ok", exchange -> {
            byte[] body = "{\"value\":1}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/trickle", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 200; i++) { // a byte every 150 ms for up to 30 s
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
    void anOrdinaryAnswerIsRead() {
        assertEquals(1, JsonHttp.create(Duration.ofSeconds(5)).get(base.resolve("/ok")).get("value"));
    }

    @Test
    void aTrickledAnswerEndsAtTwiceTheTimeout() {
        JsonHttpException e = assertThrows(JsonHttpException.class, () -> JsonHttp.create(Duration.ofMillis(400)).get(base.resolve("/trickle")));
        assertTrue(e.getMessage().contains("did not finish its answer"), e.getMessage());
    }

    @Test
    void anAnswerWithoutEndIsCutAtItsSizeBound() {
        JsonHttpException e = assertThrows(JsonHttpException.class, () -> JsonHttp.create(Duration.ofSeconds(30)).get(base.resolve("/endless")));
        assertTrue(e.getMessage().contains("larger than 1024 KiB"), e.getMessage());
    }
}
