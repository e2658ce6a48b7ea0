package dev.oidcsso.demo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.demo.DemoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JWT that Keycloak issues to a script (password grant on {@value KeycloakServer#SCRIPT_CLIENT_ID})
 * is accepted by the demo as {@code Authorization: Bearer}, with the user's groups and role from its
 * claims and no session; a token for another audience, a tampered one and an outsider's are not.
 */
@ExtendWith(KeycloakExtension.class)
class KeycloakBearerTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static KeycloakServer keycloak;
    private static DemoServer demo;
    private static String base;

    /** The demo's database lives here, never in the work tree. */
    @TempDir
    static Path dataDir;

    @BeforeAll
    static void startDemo(KeycloakServer server) throws IOException {
        keycloak = server;
        demo = keycloak.startDemo(dataDir);
        base = "http://127.0.0.1:" + demo.port();
    }

    @AfterAll
    static void stopDemo() {
        if (demo != null) {
            demo.stop();
        }
    }

    @Test
    void aScriptsJwtFromKeycloakIsAcceptedAsABearerTokenWithoutASession() throws Exception {
        String token = KeycloakTokenTest.passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.PLAIN_USER);

        HttpResponse<String> experiments = send("GET", "/api/experiments", token, null);
        assertEquals(200, experiments.statusCode(), experiments.body());
        assertTrue(new ObjectMapper().readTree(experiments.body()).has("experiments"), experiments.body());
        assertTrue(experiments.headers().allValues("Set-Cookie").isEmpty(), "a bearer request makes no session");

        HttpResponse<String> created = send("POST", "/api/experiments", token, "{\"name\": \"from-a-keycloak-script\"}");
        assertEquals(201, created.statusCode(), created.body());

        JsonNode status = new ObjectMapper().readTree(send("GET", "/auth/status", token, null).body());
        assertTrue(status.path("authenticated").asBoolean(), status.toString());
        assertEquals(KeycloakServer.PLAIN_USER, status.path("username").asText());
        assertEquals("mlflow", status.path("groups").path(0).asText());
        assertEquals(1, status.path("groups").size());
        assertFalse(status.path("admin").asBoolean());
        assertEquals("bearer", status.path("auth_method").asText());
    }

    @Test
    void theAdminsTokenCarriesTheAdminRole() throws Exception {
        String token = KeycloakTokenTest.passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.ADMIN_USER);
        JsonNode status = new ObjectMapper().readTree(send("GET", "/auth/status", token, null).body());
        assertEquals(KeycloakServer.ADMIN_USER, status.path("username").asText());
        assertTrue(status.path("admin").asBoolean(), status.toString());
    }

    @Test
    void anOutsidersValidTokenIsForbidden() throws Exception {
        String token = KeycloakTokenTest.passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.OUTSIDER);
        assertEquals(403, send("GET", "/api/experiments", token, null).statusCode());
    }

    @Test
    void aTokenForAnotherAudienceOrWithABrokenSignatureIsRefused() throws Exception {
        String unrelated = KeycloakTokenTest.passwordGrant(keycloak, KeycloakServer.UNRELATED_CLIENT_ID, KeycloakServer.PLAIN_USER);
        HttpResponse<String> foreign = send("GET", "/api/experiments", unrelated, null);
        assertEquals(401, foreign.statusCode(), foreign.body());

        String good = KeycloakTokenTest.passwordGrant(keycloak, KeycloakServer.SCRIPT_CLIENT_ID, KeycloakServer.PLAIN_USER);
        HttpResponse<String> tampered = send("GET", "/api/experiments", tamper(good), null);
        assertEquals(401, tampered.statusCode(), tampered.body());
    }

    private static HttpResponse<String> send(String method, String path, String token, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Changes the signature's first character: the token still parses, the signature no longer verifies. */
    private static String tamper(String jwt) {
        List<String> parts = List.of(jwt.split("\\."));
        char first = parts.get(2).charAt(0);
        return parts.get(0) + "." + parts.get(1) + "." + (first == 'A' ? 'B' : 'A') + parts.get(2).substring(1);
    }
}
