package dev.oidcsso.spi.support;

import dev.oidcsso.testing.StubServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A directory, workload discovery or service-account answer is bounded in size and time, like the IdP's. */
class JsonHttpBoundsTest {

    private StubServer server;
    private URI base;

    @BeforeEach
    void start() {
        server = StubServer.start().on("/ok", (exchange, request) -> StubServer.respond(exchange, 200, "application/json", "{\"value\":1}"))
                .on("/trickle", StubServer.trickle())
                .on("/refused", (exchange, request) -> StubServer.respond(exchange, 403, "application/json",
                        "{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"Denied\\r\\nFORGED LOG LINE\\u001b[31m\"}}")).on("/endless", StubServer.endless());
        base = server.baseUrl();
    }

    @AfterEach
    void stop() {
        server.close();
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

    /** An API's error message ends up in a log line through the exception: one line, whatever the API sent. */
    @Test
    void anErrorMessageWithLineBreaksIsOneLine() {
        JsonHttpException e = assertThrows(JsonHttpException.class, () -> JsonHttp.create(Duration.ofSeconds(5)).get(base.resolve("/refused")));
        assertTrue(e.getMessage().contains("Authorization_RequestDenied: Denied??FORGED LOG LINE?[31m"), e.getMessage());
    }
}
