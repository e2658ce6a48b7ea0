package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revocation per user with the user database: an administrator signs a user out everywhere;
 * disabling a user ends every session and token issued before, for good; a role change recorded by
 * a later login reaches the user's other sessions.
 */
class SessionRevocationTest {

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    OidcSso sso;
    HttpServer app;
    String base;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        db = Database.open(StoreSettings.embedded(dataDir));
        sso = OidcSso.builder(StoreApps.settings(op, Map.of())).database(db).resourceTypes(ResourceTypes.of("experiment")).build();
        app = DemoApps.jdkApp(sso);
        base = DemoApps.baseUrl(app);
        op.registerRedirectUri(base + "/callback");
    }

    @AfterEach
    void stop() {
        app.stop(0);
        sso.close();
        db.close();
        op.close();
    }

    Browser signedInAs(TestUser user) {
        op.user(user);
        return StoreApps.signedIn(base);
    }

    JsonNode status(Browser browser) {
        return RestApiTest.json(browser.get(base + "/auth/status", Map.of("Accept", "application/json")));
    }

    boolean authenticated(Browser browser) {
        return status(browser).get("authenticated").asBoolean();
    }

    @Test
    void anAdministratorSignsAUserOutEverywhere() {
        Browser admin = signedInAs(TestUser.admin());
        Browser laptop = signedInAs(TestUser.alice());
        Browser phone = signedInAs(TestUser.alice());
        assertTrue(authenticated(laptop) && authenticated(phone));

        HttpResponse<String> ended = admin.sendJson("DELETE", base + "/oidc/api/users/alice/sessions", null);
        assertEquals(200, ended.statusCode(), ended.body());
        assertEquals(2, RestApiTest.json(ended).get("sessions_ended").asInt());
        assertFalse(authenticated(laptop));
        assertFalse(authenticated(phone));
        assertTrue(authenticated(admin));
        Browser plain = signedInAs(TestUser.withGroups("bob", "mlflow"));
        assertEquals(403, plain.sendJson("DELETE", base + "/oidc/api/users/admin/sessions", null).statusCode(), "administrators only");
        assertEquals(404, admin.sendJson("DELETE", base + "/oidc/api/users/nobody/sessions", null).statusCode());
    }

    @Test
    void disablingEndsSessionsAndTokensForGoodReEnablingRevivesNone() {
        Browser admin = signedInAs(TestUser.admin());
        Browser alice = signedInAs(TestUser.alice());
        HttpResponse<String> created = alice.sendJson("POST", base + "/oidc/api/me/token", null);
        assertTrue(created.statusCode() / 100 == 2, created.body());
        String token = RestApiTest.json(created).get("token").asText();
        Map<String, String> basic = Map.of("Authorization", Browser.basicAuthorization("alice", token), "Accept", "application/json");
        assertEquals(200, new Browser().get(base + "/auth/status", basic).statusCode());
        assertTrue(RestApiTest.json(new Browser().get(base + "/auth/status", basic)).get("authenticated").asBoolean());

        assertEquals(200, admin.sendJson("PATCH", base + "/oidc/api/users/alice", "{\"disabled\": true}").statusCode());
        assertFalse(authenticated(alice));
        assertEquals(403, new Browser().get(base + "/api/x", basic).statusCode());

        assertEquals(200, admin.sendJson("PATCH", base + "/oidc/api/users/alice", "{\"disabled\": false}").statusCode());
        assertFalse(authenticated(alice), "the session ended by the disable stays ended");
        assertEquals(403, new Browser().get(base + "/api/x", basic).statusCode(), "the token issued before the disable stays dead");

        Browser again = signedInAs(TestUser.alice());
        assertTrue(authenticated(again), "a new login works");
    }

    @Test
    void aRoleChangeRecordedByALaterLoginReachesTheOtherSessions() {
        Browser first = signedInAs(TestUser.withGroups("bob", "mlflow-admin"));
        assertTrue(status(first).get("admin").asBoolean());
        signedInAs(TestUser.withGroups("bob", "mlflow"));
        Poll.until(() -> !status(first).get("admin").asBoolean(), "the older session losing admin");
        assertEquals(403, first.getJson(base + "/oidc/api/users").statusCode(), "no admin route any more");

    }
}
