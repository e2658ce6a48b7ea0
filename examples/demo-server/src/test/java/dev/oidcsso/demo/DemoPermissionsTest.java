package dev.oidcsso.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Poll;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.oidcsso.demo.DemoUsers.grant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's experiments and registered models under the permission model: the creator manages,
 * others see nothing until an administrator grants them (directly, through a group or a regular
 * expression), and a revoked grant takes effect.
 */
class DemoPermissionsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    MockOAuth2Server idp;
    DemoServer server;
    String base;
    Browser alice;
    Browser bob;
    Browser admin;

    @BeforeEach
    void start() throws IOException {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        server = DemoServer.builder().environment(DemoUsers.environment(idp, Map.of("OIDC_DATA_DIR", dataDir.toString())))
                .host("127.0.0.1").port(0).build();
        server.start();
        base = "http://127.0.0.1:" + server.port();
        alice = DemoUsers.login(idp, base, "alice", "mlflow");
        bob = DemoUsers.login(idp, base, "bob", "mlflow", "data-team");
        admin = DemoUsers.login(idp, base, "root", "mlflow-admin");
    }

    @AfterEach
    void stop() {
        server.stop();
        idp.shutdown();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    String create(Browser who, String collection, String name) {
        HttpResponse<String> created = who.sendJson("POST", base + collection, "{\"name\": \"" + name + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return json(created).get("id").asText();
    }

    List<String> names(Browser who, String collection, String key) {
        return json(who.getJson(base + collection)).get(key).findValuesAsText("name");
    }

    int read(Browser who, String id) {
        return who.getJson(base + "/api/experiments/" + id).statusCode();
    }

    void adminSends(String method, String path, String body, int expected) {
        HttpResponse<String> response = admin.sendJson(method, base + path, body);
        assertEquals(expected, response.statusCode(), response.body());
    }

    @Test
    void anotherUserSeesNothingUntilGrantedAndARevokedGrantTakesEffect() throws Exception {
        String id = create(alice, "/api/experiments", "churn");
        assertEquals(200, read(alice, id), "the creator may read");
        assertEquals(403, read(bob, id));
        assertFalse(names(bob, "/api/experiments", "experiments").contains("churn"));
        assertTrue(names(admin, "/api/experiments", "experiments").contains("churn"), "admins see everything");
        assertFalse(bob.get(base + "/").body().contains("churn"), "the home page lists only what the user may read");

        adminSends("PUT", "/oidc/api/grants", grant("user", "bob", "experiment", "churn", "READ"), 201);
        Poll.until(() -> read(bob, id) == 200, "bob reading after the grant");
        assertTrue(names(bob, "/api/experiments", "experiments").contains("churn"));
        assertEquals(403, bob.sendJson("PATCH", base + "/api/experiments/" + id, "{\"description\": \"mine now\"}").statusCode(),
                "READ does not allow changing");
        assertEquals(403, bob.sendJson("DELETE", base + "/api/experiments/" + id, null, null).statusCode());

        adminSends("PUT", "/oidc/api/grants", grant("user", "bob", "experiment", "churn", "EDIT"), 200);
        Poll.until(() -> bob.sendJson("PATCH", base + "/api/experiments/" + id, "{\"description\": \"edited\"}").statusCode() == 200,
                "bob editing after EDIT");
        assertEquals(403, bob.sendJson("PATCH", base + "/api/experiments/" + id, "{\"name\": \"renamed\"}").statusCode(),
                "renaming needs MANAGE");

        adminSends("DELETE", "/oidc/api/grants", grant("user", "bob", "experiment", "churn", null), 204);
        Poll.until(() -> read(bob, id) == 403, "the revoked grant taking effect");
        assertFalse(names(bob, "/api/experiments", "experiments").contains("churn"));
    }

    @Test
    void groupGrantsAndRegexRulesLetMembersIn() throws Exception {
        String id = create(alice, "/api/experiments", "team-a-forecast");
        assertEquals(403, read(bob, id));

        adminSends("PUT", "/oidc/api/grants", grant("group", "data-team", "experiment", "team-a-forecast", "READ"), 201);
        Poll.until(() -> read(bob, id) == 200, "bob reading through his group");
        adminSends("DELETE", "/oidc/api/grants", grant("group", "data-team", "experiment", "team-a-forecast", null), 204);
        Poll.until(() -> read(bob, id) == 403, "the group grant revoked");

        HttpResponse<String> rule = admin.sendJson("POST", base + "/oidc/api/rules", "{\"grantee\": {\"kind\": \"user\", \"name\": \"bob\"}, "
                + "\"type\": \"experiment\", \"pattern\": \"team-a-.*\", \"level\": \"READ\"}");
        assertEquals(201, rule.statusCode(), rule.body());
        Poll.until(() -> read(bob, id) == 200, "bob reading through a regex rule");
        String other = create(alice, "/api/experiments", "team-b-forecast");
        assertEquals(403, read(bob, other), "the rule matches whole names only");
        adminSends("DELETE", "/oidc/api/rules/" + json(rule).get("id").asText(), null, 204);
        Poll.until(() -> read(bob, id) == 403, "the rule deleted");
    }

    @Test
    void registeredModelsAreProtectedTheSameWay() throws Exception {
        String id = create(alice, "/api/registered-models", "churn-model");
        assertEquals(List.of("churn-model"), names(alice, "/api/registered-models", "registered_models"));
        assertEquals(List.of(), names(bob, "/api/registered-models", "registered_models"));
        assertEquals(403, bob.getJson(base + "/api/registered-models/" + id).statusCode());
        adminSends("PUT", "/oidc/api/grants", grant("user", "bob", "registered_model", "churn-model", "MANAGE"), 201);
        Poll.until(() -> bob.getJson(base + "/api/registered-models/" + id).statusCode() == 200, "bob reading the model");
        HttpResponse<String> renamed = bob.sendJson("PUT", base + "/api/registered-models/" + id, "{\"name\": \"churn-model-v2\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals(200, bob.getJson(base + "/api/registered-models/" + id).statusCode(), "grants follow a rename");
        assertEquals(200, alice.getJson(base + "/api/registered-models/" + id).statusCode(), "the creator keeps MANAGE");
        assertEquals(204, bob.sendJson("DELETE", base + "/api/registered-models/" + id, null, null).statusCode());
        assertEquals(404, alice.getJson(base + "/api/registered-models/" + id).statusCode());
        assertEquals(403, bob.getJson(base + "/api/experiments/" + create(alice, "/api/experiments", "churn-model-v2")).statusCode(),
                "a model grant says nothing about an experiment of the same name");
    }

    @Test
    void aNewItemWithADeletedItemsNameStartsClean() {
        String id = create(alice, "/api/experiments", "reused");
        adminSends("PUT", "/oidc/api/grants", grant("user", "bob", "experiment", "reused", "READ"), 201);
        assertEquals(204, alice.sendJson("DELETE", base + "/api/experiments/" + id, null, null).statusCode());
        String again = create(admin, "/api/experiments", "reused");
        assertEquals(403, read(bob, again), "the old grant was forgotten with the old item");
        assertEquals(403, read(alice, again), "and so was the old creator");
    }
}
