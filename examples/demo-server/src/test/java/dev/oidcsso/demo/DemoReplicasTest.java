package dev.oidcsso.demo;

import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Cookie;
import dev.oidcsso.testing.Poll;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

import static dev.oidcsso.demo.DemoPermissionsTest.json;
import static dev.oidcsso.demo.DemoUsers.grant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two demo-server replicas sharing one real PostgreSQL behave as one: a session, a token, an
 * experiment or a grant made on one is seen by the other; a logout, a token rotation or a revoked
 * grant takes effect on the other within one second; a database outage gives 503, never a wrong
 * answer, and both recover by themselves.
 */
class DemoReplicasTest {


    @TempDir
    Path folder;
    EmbeddedPostgres postgres;
    int port;
    MockOAuth2Server idp;
    DemoServer a;
    DemoServer b;
    String baseA;
    String baseB;

    @BeforeEach
    void start() throws Exception {
        postgres = postgres(0);
        port = postgres.getPort();
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE demo");
        }
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        Map<String, String> env = DemoUsers.environment(idp, Map.of(
                "OIDC_USERS_DB_URI", postgres.getJdbcUrl("postgres", "demo"),
                "OIDC_DB_TIMEOUT", "1s",
                "OIDC_CHANGE_POLL_INTERVAL", "100ms"));
        a = DemoServer.builder().environment(env).host("127.0.0.1").port(0).build();
        b = DemoServer.builder().environment(env).host("127.0.0.1").port(0).build();
        a.start();
        b.start();
        baseA = "http://127.0.0.1:" + a.port();
        baseB = "http://127.0.0.1:" + b.port();
    }

    EmbeddedPostgres postgres(int onPort) throws Exception {
        // The data folder survives a stop, so the outage test can check that nothing was lost.
        // PostgreSQL's start limit is 10 s by default, short on a busy CI machine.
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setDataDirectory(folder.resolve("pg")).setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(120));
        return (onPort == 0 ? builder : builder.setPort(onPort)).start();
    }

    @AfterEach
    void stop() throws Exception {
        a.stop();
        b.stop();
        idp.shutdown();
        postgres.close();
    }

    static int status(String url, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String user, String token) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + token).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aSessionAndAnExperimentMadeOnOneAreSeenByTheOther() {
        // Both replicas listen on 127.0.0.1, so the browser's cookie jar sends the session to both.
        Browser alice = DemoUsers.login(idp, baseA, "alice", "mlflow");
        HttpResponse<String> created = alice.sendJson("POST", baseA + "/api/experiments", "{\"name\": \"shared\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).get("id").asText();
        HttpResponse<String> onB = alice.getJson(baseB + "/api/experiments/" + id);
        assertEquals(200, onB.statusCode(), "the session and the creator's MANAGE work on the other replica: " + onB.body());
        assertEquals("shared", json(onB).get("name").asText());
        assertTrue(json(alice.getJson(baseB + "/api/experiments")).get("experiments").findValuesAsText("name").contains("shared"));
    }

    @Test
    void aCopiedSessionCookieIsRefusedOnTheOtherReplicaWithinOneSecondOfLogout() throws Exception {
        Browser alice = DemoUsers.login(idp, baseA, "alice", "mlflow");
        Cookie session = alice.cookies().get("oidc_sso_session").orElseThrow();
        Browser copy = Browser.forPages();
        copy.cookies().put(session.forHost(URI.create(baseB).getHost()));
        assertEquals(200, copy.getJson(baseB + "/api/experiments").statusCode());
        alice.signOut(baseA);
        Poll.until(() -> copy.getJson(baseB + "/api/experiments").statusCode() == 401, "the logout reaching replica B");
    }

    @Test
    void aTokenMadeOnOneWorksOnTheOtherAndItsRotationReachesItWithinOneSecond() throws Exception {
        Browser alice = DemoUsers.login(idp, baseA, "alice", "mlflow");
        HttpResponse<String> first = alice.sendJson("POST", baseA + "/oidc/api/me/token", null, null);
        assertEquals(201, first.statusCode(), first.body());
        String oldBasic = basic("alice", json(first).get("token").asText());
        assertEquals(200, status(baseB + "/api/experiments", oldBasic));

        HttpResponse<String> second = alice.sendJson("POST", baseA + "/oidc/api/me/token", null, null);
        assertEquals(201, second.statusCode());
        String newBasic = basic("alice", json(second).get("token").asText());
        Poll.until(() -> status(baseB + "/api/experiments", oldBasic) == 401, "the rotation reaching replica B");
        assertEquals(200, status(baseB + "/api/experiments", newBasic));
    }

    @Test
    void aGrantMadeOnOneIsSeenByTheOtherAndItsRevocationWithinOneSecond() throws Exception {
        Browser alice = DemoUsers.login(idp, baseA, "alice", "mlflow");
        Browser bob = DemoUsers.login(idp, baseB, "bob", "mlflow");
        Browser admin = DemoUsers.login(idp, baseA, "root", "mlflow-admin");
        HttpResponse<String> created = alice.sendJson("POST", baseA + "/api/experiments", "{\"name\": \"granted\"}");
        String id = json(created).get("id").asText();
        assertEquals(403, bob.getJson(baseB + "/api/experiments/" + id).statusCode());

        assertEquals(201, admin.sendJson("PUT", baseA + "/oidc/api/grants", grant("user", "bob", "experiment", "granted", "READ")).statusCode());
        Poll.until(() -> bob.getJson(baseB + "/api/experiments/" + id).statusCode() == 200, "the grant reaching replica B");

        assertEquals(204, admin.sendJson("DELETE", baseA + "/oidc/api/grants", grant("user", "bob", "experiment", "granted", null)).statusCode());
        Poll.until(() -> bob.getJson(baseB + "/api/experiments/" + id).statusCode() == 403, "the revocation reaching replica B");
    }

    @Test
    void aDatabaseOutageGives503AndBothReplicasRecoverByThemselves() throws Exception {
        Browser alice = DemoUsers.login(idp, baseA, "alice", "mlflow");
        HttpResponse<String> created = alice.sendJson("POST", baseA + "/api/experiments", "{\"name\": \"survives\"}");
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> token = alice.sendJson("POST", baseA + "/oidc/api/me/token", null, null);
        String basic = basic("alice", json(token).get("token").asText());

        postgres.close();
        for (String base : new String[] {baseA, baseB}) {
            HttpResponse<String> list = alice.getJson(base + "/api/experiments");
            assertEquals(503, list.statusCode(), list.body());
            assertTrue(list.body().contains("\"error\":\"unavailable\""), list.body());
            assertFalse(list.body().contains("postgres"), "no internals: " + list.body());
            assertEquals(503, alice.sendJson("POST", base + "/api/experiments", "{\"name\": \"lost?\"}").statusCode());
            assertEquals(503, alice.getJson(base + "/health/ready").statusCode());
        }

        postgres = postgres(port);
        for (String base : new String[] {baseA, baseB}) {
            Poll.until(Duration.ofSeconds(30), () -> alice.getJson(base + "/api/experiments").statusCode() == 200,
                    "recovery of " + base);
            assertTrue(json(alice.getJson(base + "/api/experiments")).get("experiments").findValuesAsText("name").contains("survives"));
            assertFalse(json(alice.getJson(base + "/api/experiments")).get("experiments").findValuesAsText("name").contains("lost?"));
            assertEquals(200, status(base + "/api/experiments", basic));
            assertEquals(200, alice.getJson(base + "/health/ready").statusCode());
        }
    }
}
