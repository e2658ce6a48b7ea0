package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One role authority: an Entra-style admin group configured as an upper-case GUID makes its member
 * an administrator whatever the case of the GUID in the token, at login, for bearer and basic
 * credentials, and in every REST API view that shows who is an administrator.
 */
class RoleAuthorityTest {

    static final String ADMIN_GROUP = "B2C5A1F4-0000-4000-8000-00000000000A";
    static final String TOKEN_GROUP = "b2c5a1f4-0000-4000-8000-00000000000a";

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    StoreApp app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        db = Database.open(StoreSettings.embedded(dataDir));
        app = StoreApp.start(op, db, Map.of("OIDC_ADMIN_GROUP_NAME", ADMIN_GROUP), b -> b.resourceTypes(ResourceTypes.of("experiment")));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void aGuidAdminGroupInAnotherCaseIsAdminAtLoginAndInTheRestApi() {
        op.user(TestUser.withGroups("carol", TOKEN_GROUP));
        Browser browser = new Browser();
        browser.defaultHeader("Accept", "text/html");
        assertEquals(200, browser.navigate(app.base() + "/").statusCode());

        JsonNode status = RestApiTest.json(browser.get(app.base() + "/auth/status", Map.of("Accept", "application/json")));
        assertTrue(status.get("admin").asBoolean(), "admin at login: " + status);
        JsonNode me = RestApiTest.json(browser.get(app.base() + "/oidc/api/me", Map.of("Accept", "application/json")));
        assertTrue(me.get("admin").asBoolean(), me.toString());

        HttpResponse<String> user = browser.get(app.base() + "/oidc/api/users/carol", Map.of("Accept", "application/json"));
        assertEquals(200, user.statusCode(), "an admin route: " + user.body());
        assertTrue(RestApiTest.json(user).get("admin").asBoolean(), "the users view: " + user.body());
        JsonNode users = RestApiTest.json(browser.get(app.base() + "/oidc/api/users", Map.of("Accept", "application/json")));
        assertTrue(users.get("users").get(0).get("admin").asBoolean(), users.toString());
        JsonNode groups = RestApiTest.json(browser.get(app.base() + "/oidc/api/groups", Map.of("Accept", "application/json")));
        assertEquals(TOKEN_GROUP, groups.get("groups").get(0).get("name").asText());
        assertTrue(groups.get("groups").get(0).get("admin").asBoolean(), "the groups view: " + groups);
        JsonNode group = RestApiTest.json(browser.get(app.base() + "/oidc/api/groups/" + TOKEN_GROUP, Map.of("Accept", "application/json")));
        assertTrue(group.get("admin").asBoolean(), "the group view: " + group);

        // Another administrator asking about carol's effective permission sees her as one too.
        op.user(TestUser.admin().withClaim("groups", java.util.List.of(ADMIN_GROUP)));
        String other = "Bearer " + op.accessToken(Map.of());
        HttpResponse<String> effective = new Browser().send(HttpRequest.newBuilder(URI.create(app.base()
                + "/oidc/api/permissions/effective?type=experiment&name=x&user=carol")).header("Authorization", other));
        assertEquals(200, effective.statusCode(), effective.body());
        assertTrue(RestApiTest.json(effective).get("admin").asBoolean(), effective.body());
        assertEquals("MANAGE", RestApiTest.json(effective).get("level").asText(), effective.body());

        // Basic credentials use the groups recorded at login, decided by the same authority.
        String csrf = me.get("csrf_token").asText();
        HttpResponse<String> created = browser.send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me/token"))
                .header("X-OIDC-SSO-CSRF", csrf).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, created.statusCode(), created.body());
        String token = RestApiTest.json(created).get("token").asText();
        HttpResponse<String> basic = new Browser().get(app.base() + "/oidc/api/users", Map.of("Authorization", Browser.basicAuthorization("carol", token)));
        assertEquals(200, basic.statusCode(), "basic credentials of a GUID admin: " + basic.body());
    }
}
