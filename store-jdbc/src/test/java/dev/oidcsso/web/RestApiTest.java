package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.stub.StubWorkloadIssuer;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every route of the REST API and every error class: 400 for bad input, 401, 403 for non-admins,
 * 404, 405, 413, 415, and 503 while the store is down; against a real server, a real in-process
 * OpenID provider and an H2 database.
 */
class RestApiTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    StoreApp app;
    final List<AutoCloseable> extra = new ArrayList<>();
    String alice;
    String bob;
    String admin;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        db = Database.open(StoreSettings.embedded(dataDir).withPollInterval(Duration.ofMillis(100)));
        app = StoreApp.start(op, db, Map.of(), b -> b.resourceTypes(ResourceTypes.of("experiment", "registered_model")));
        alice = bearerFor(TestUser.withGroups("alice", "mlflow"));
        bob = bearerFor(TestUser.withGroups("bob", "mlflow", "data-team"));
        admin = bearerFor(TestUser.admin());
        // Bearer users are recorded on their first request, as after a login.
        for (String who : List.of(alice, bob, admin)) {
            assertEquals(200, call("GET", "/oidc/api/me", who, null).statusCode());
        }
    }

    OidcSettings settings(Map<String, String> more) {
        return StoreApps.settings(op, more);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : extra) {
            closeable.close();
        }
        app.close();
    }

    String bearerFor(TestUser user) {
        op.user(user);
        return "Bearer " + op.accessToken(Map.of());
    }

    HttpResponse<String> call(String method, String path, String authorization, String body) {
        return call(new Browser(), method, path, authorization, body, Map.of());
    }

    HttpResponse<String> call(Browser browser, String method, String path, String authorization, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        return browser.send(request);
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    static void assertError(HttpResponse<String> response, int status, String code, String message) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(code, body.get("error").asText(), response.body());
        assertTrue(body.get("message").asText().contains(message), "expected '" + message + "' in " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    }

    static String grant(String kind, String name, String type, String resource, String level) {
        return "{\"grantee\": {\"kind\": \"" + kind + "\", \"name\": \"" + name + "\"}, \"resource\": {\"type\": \"" + type
                + "\", \"name\": \"" + resource + "\"}" + (level == null ? "" : ", \"level\": \"" + level + "\"") + "}";
    }

    JsonNode effective(String who, String user, String name) {
        HttpResponse<String> response = call("GET", "/oidc/api/permissions/effective?type=experiment&name=" + name
                + (user == null ? "" : "&user=" + user), who, null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    @Test
    void unauthenticatedUnknownAndWrongMethod() {
        HttpResponse<String> anonymous = call("GET", "/oidc/api/me", null, null);
        assertError(anonymous, 401, "unauthenticated", "Sign in");
        assertError(call("GET", "/oidc/api/nothing-here", null, null), 401, "unauthenticated", "Sign in");
        assertError(call("GET", "/oidc/api/me", "Bearer not-a-jwt", null), 401, "unauthenticated", "");
        assertError(call("GET", "/oidc/api/nothing-here", alice, null), 404, "not_found", "no API route");
        assertError(call("GET", "/oidc/api", alice, null), 404, "not_found", "no API route");
        HttpResponse<String> wrong = call("DELETE", "/oidc/api/me", alice, null);
        assertError(wrong, 405, "method_not_allowed", "GET");
        assertEquals("GET", wrong.headers().firstValue("Allow").orElseThrow());
        assertEquals("GET, PUT, DELETE", call("POST", "/oidc/api/grants", admin, "{}").headers().firstValue("Allow").orElseThrow());
        assertEquals("POST, DELETE", call("GET", "/oidc/api/me/token", alice, null).headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void meShowsWhoIAmAndNeverTheToken() {
        JsonNode me = json(call("GET", "/oidc/api/me", bob, null));
        assertEquals("bob", me.get("username").asText());
        assertEquals("[\"mlflow\",\"data-team\"]", me.get("groups").toString());
        assertFalse(me.get("admin").asBoolean());
        assertEquals("bearer", me.get("auth_method").asText());
        assertTrue(me.get("token").isNull());
        assertTrue(me.get("csrf_token").isNull(), "only session callers need a CSRF token");

        assertEquals(201, call("POST", "/oidc/api/me/token", bob, null).statusCode());
        JsonNode after = json(call("GET", "/oidc/api/me", bob, null));
        assertTrue(after.get("token").has("created_at"));
        assertTrue(after.get("token").get("expires_at").isNull());
        assertFalse(after.get("token").has("token"));
    }

    @Test
    void wrongBasicCredentialsAreBrakedButACorrectTokenNeverIs() {
        String token = json(call("POST", "/oidc/api/me/token", alice, null)).get("token").asText();
        String wrong = Browser.basicAuthorization("alice", token + "x");
        for (int i = 1; i <= dev.oidcsso.auth.FailureBrake.MAX_FAILURES; i++) {
            assertEquals(401, call("GET", "/oidc/api/me", wrong, null).statusCode(), "failure " + i);
        }
        HttpResponse<String> braked = call("GET", "/oidc/api/me", wrong, null);
        assertError(braked, 429, "too_many_requests", "Too many failed sign-in attempts");
        long wait = Long.parseLong(braked.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(wait >= 1 && wait <= 60, "Retry-After " + wait);
        assertEquals(429, call("GET", "/oidc/api/me", Browser.basicAuthorization("nobody", "guess"), null).statusCode(),
                "the address is braked for every user name");
        assertEquals(200, call("GET", "/oidc/api/me", Browser.basicAuthorization("alice", token), null).statusCode(),
                "the holder of the right token is never locked out");
    }

    @Test
    void aTokenThatExpiresCannotMintOneThatOutlivesIt() {
        Instant inAnHour = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> hourly = call("POST", "/oidc/api/me/token", alice, "{\"expires_at\": \"" + inAnHour + "\"}");
        assertEquals(201, hourly.statusCode(), hourly.body());
        String basic = Browser.basicAuthorization("alice", json(hourly).get("token").asText());

        // Asking for later than the caller's own expiry is refused; nothing changes.
        assertError(call("POST", "/oidc/api/me/token", basic, "{\"expires_at\": \"" + inAnHour.plusSeconds(1) + "\"}"),
                400, "invalid_request", "cannot expire later");
        assertEquals(200, call("GET", "/oidc/api/me", basic, null).statusCode());
        // Without an expiry the new token gets the caller's.
        HttpResponse<String> rotated = call("POST", "/oidc/api/me/token", basic, null);
        assertEquals(201, rotated.statusCode(), rotated.body());
        assertEquals(inAnHour.toString(), json(rotated).get("expires_at").asText());
        String second = Browser.basicAuthorization("alice", json(rotated).get("token").asText());
        HttpResponse<String> sooner = call("POST", "/oidc/api/me/token", second, "{\"expires_at\": \"" + inAnHour.minusSeconds(60) + "\"}");
        assertEquals(201, sooner.statusCode(), sooner.body());
        assertEquals(inAnHour.minusSeconds(60).toString(), json(sooner).get("expires_at").asText());
        // An explicit null ("never") gets the caller's expiry as well.
        String third = Browser.basicAuthorization("alice", json(sooner).get("token").asText());
        HttpResponse<String> never = call("POST", "/oidc/api/me/token", third, "{\"expires_at\": null}");
        assertEquals(201, never.statusCode(), never.body());
        assertEquals(inAnHour.minusSeconds(60).toString(), json(never).get("expires_at").asText());
    }

    @Test
    void aWorkloadTokenCannotMintAnAccessTokenThatOutlivesIt() throws Exception {
        StubWorkloadIssuer issuer = StubWorkloadIssuer.start();
        extra.add(issuer);
        app.restart(issuer.settings("ci", "ci-deploy"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant tokenExpiry = now.plus(10, ChronoUnit.MINUTES);
        String workload = "Bearer " + issuer.token(now, Duration.ofMinutes(10));

        // Without an expiry, and with "never", the new token gets the workload token's own expiry.
        for (String body : java.util.Arrays.asList(null, "{\"expires_at\": null}")) {
            HttpResponse<String> minted = call("POST", "/oidc/api/me/token", workload, body);
            assertEquals(201, minted.statusCode(), minted.body());
            assertEquals("ci-deploy", json(minted).get("username").asText());
            assertEquals(tokenExpiry.toString(), json(minted).get("expires_at").asText());
        }
        assertError(call("POST", "/oidc/api/me/token", workload, "{\"expires_at\": \"" + now.plus(30, ChronoUnit.DAYS) + "\"}"),
                400, "invalid_request", "cannot expire later");
    }

    @Test
    void personalAccessTokenIsShownOnceRotatedAndDeleted() {
        HttpResponse<String> created = call("POST", "/oidc/api/me/token", alice, "{\"expires_at\": null}");
        assertEquals(201, created.statusCode(), created.body());
        String first = json(created).get("token").asText();
        assertTrue(json(created).get("expires_at").isNull());
        assertTrue(json(created).get("note").asText().contains("Shown once"));
        String basic = Browser.basicAuthorization("alice", first);
        JsonNode me = json(call("GET", "/oidc/api/me", basic, null));
        assertEquals("basic", me.get("auth_method").asText());
        assertFalse(me.toString().contains(first), "the token is never shown again");

        Instant expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> rotated = call("POST", "/oidc/api/me/token", basic, "{\"expires_at\": \"" + expiry + "\"}");
        assertEquals(201, rotated.statusCode(), rotated.body());
        assertEquals(expiry.toString(), json(rotated).get("expires_at").asText());
        String second = json(rotated).get("token").asText();
        assertNotEquals(first, second);
        assertEquals(401, call("GET", "/oidc/api/me", basic, null).statusCode(), "a new token invalidates the previous one");
        String secondBasic = Browser.basicAuthorization("alice", second);
        assertEquals(200, call("GET", "/oidc/api/me", secondBasic, null).statusCode());

        assertError(call("POST", "/oidc/api/me/token", alice, "{\"expires_at\": \"tomorrow\"}"), 400, "invalid_request", "ISO-8601");
        assertError(call("POST", "/oidc/api/me/token", alice, "{\"expires_at\": \"" + Instant.now().plus(400, ChronoUnit.DAYS) + "\"}"),
                400, "invalid_request", "year");
        assertError(call("POST", "/oidc/api/me/token", alice, "{\"expires_at\": \"2020-01-01T00:00:00Z\"}"), 400, "invalid_request", "");
        assertEquals(200, call("GET", "/oidc/api/me", secondBasic, null).statusCode(), "a refused request changes nothing");

        assertEquals(204, call("DELETE", "/oidc/api/me/token", alice, null).statusCode());
        assertEquals(401, call("GET", "/oidc/api/me", secondBasic, null).statusCode());
        assertError(call("DELETE", "/oidc/api/me/token", alice, null), 404, "not_found", "no access token");
    }

    @Test
    void adminRoutesRefuseNonAdmins() {
        for (String path : List.of("/oidc/api/users", "/oidc/api/users/bob", "/oidc/api/groups", "/oidc/api/groups/mlflow",
                "/oidc/api/grants", "/oidc/api/rules", "/oidc/api/rules/1")) {
            assertError(call("GET", path, alice, null), 403, "forbidden", "administrators");
        }
        assertError(call("PUT", "/oidc/api/grants", alice, grant("user", "alice", "experiment", "x", "MANAGE")), 403, "forbidden", "");
        assertError(call("POST", "/oidc/api/users/bob/token", alice, null), 403, "forbidden", "");
        assertError(call("PATCH", "/oidc/api/users/bob", alice, "{\"disabled\": true}"), 403, "forbidden", "");
    }

    @Test
    void adminListsUsersAndGroupsDisablesAUserAndRotatesTheirToken() {
        JsonNode users = json(call("GET", "/oidc/api/users", admin, null)).get("users");
        assertEquals(List.of("admin", "alice", "bob"), users.findValuesAsText("username"));
        JsonNode adminUser = users.get(0);
        assertTrue(adminUser.get("admin").asBoolean());
        assertEquals("[\"mlflow-admin\"]", adminUser.get("groups").toString());

        JsonNode groups = json(call("GET", "/oidc/api/groups", admin, null)).get("groups");
        assertEquals(List.of("data-team", "mlflow", "mlflow-admin"), groups.findValuesAsText("name"));
        JsonNode mlflow = json(call("GET", "/oidc/api/groups/mlflow", admin, null));
        assertEquals("[\"alice\",\"bob\"]", mlflow.get("members").toString());
        assertError(call("GET", "/oidc/api/groups/nobody-here", admin, null), 404, "not_found", "nobody-here");

        HttpResponse<String> rotated = call("POST", "/oidc/api/users/bob/token", admin, null);
        assertEquals(201, rotated.statusCode(), rotated.body());
        String bobBasic = Browser.basicAuthorization("bob", json(rotated).get("token").asText());
        assertEquals("bob", json(call("GET", "/oidc/api/me", bobBasic, null)).get("username").asText());
        assertError(call("POST", "/oidc/api/users/nobody/token", admin, null), 404, "not_found", "");

        HttpResponse<String> disabled = call("PATCH", "/oidc/api/users/bob", admin, "{\"disabled\": true}");
        assertEquals(200, disabled.statusCode(), disabled.body());
        assertTrue(json(disabled).get("disabled").asBoolean());
        assertEquals(403, call("GET", "/oidc/api/me", bobBasic, null).statusCode(), "a disabled user is refused");
        assertEquals(200, call("PATCH", "/oidc/api/users/bob", admin, "{\"disabled\": false}").statusCode());
        // Issue 10: re-enabling revives no credential issued before the disable; a new token works.
        assertEquals(403, call("GET", "/oidc/api/me", bobBasic, null).statusCode(), "the token from before the disable stays dead");
        bobBasic = Browser.basicAuthorization("bob", json(call("POST", "/oidc/api/users/bob/token", admin, null)).get("token").asText());
        assertEquals(200, call("GET", "/oidc/api/me", bobBasic, null).statusCode());

        assertError(call("PATCH", "/oidc/api/users/admin", admin, "{\"disabled\": true}"), 400, "invalid_request", "your own account");
        assertError(call("PATCH", "/oidc/api/users/nobody", admin, "{\"disabled\": true}"), 404, "not_found", "nobody");
        assertError(call("PATCH", "/oidc/api/users/bob", admin, "{\"disabled\": \"yes\"}"), 400, "invalid_request", "true or false");
        assertError(call("PATCH", "/oidc/api/users/bob", admin, "{}"), 400, "invalid_request", "'disabled' is required");
        assertError(call("GET", "/oidc/api/users/nobody", admin, null), 404, "not_found", "nobody");

        assertEquals(204, call("DELETE", "/oidc/api/users/bob/token", admin, null).statusCode());
        assertEquals(401, call("GET", "/oidc/api/me", bobBasic, null).statusCode());
    }

    @Test
    void everyAdminListIsPagedWithANextLinkAndFilteredByTheServer() {
        JsonNode first = json(call("GET", "/oidc/api/users?limit=2", admin, null));
        assertEquals(List.of("admin", "alice"), first.get("users").findValuesAsText("username"));
        String next = first.get("next").asText();
        assertTrue(next.startsWith("/oidc/api/users?limit=2&cursor="), next);
        JsonNode second = json(call("GET", next, admin, null));
        assertEquals(List.of("bob"), second.get("users").findValuesAsText("username"));
        assertTrue(second.get("next").isNull(), "the last page says so");
        assertTrue(json(call("GET", "/oidc/api/users", admin, null)).get("next").isNull(), "three users fit the default page");
        assertEquals(List.of("alice"), json(call("GET", "/oidc/api/users?q=ALI", admin, null)).get("users").findValuesAsText("username"));

        JsonNode groups = json(call("GET", "/oidc/api/groups?limit=2", admin, null));
        assertEquals(List.of("data-team", "mlflow"), groups.get("groups").findValuesAsText("name"));
        assertEquals(List.of(1, 2), groups.get("groups").findValues("member_count").stream().map(JsonNode::asInt).toList());
        assertEquals(List.of("mlflow-admin"), json(call("GET", groups.get("next").asText(), admin, null)).get("groups")
                .findValuesAsText("name"));

        for (String name : List.of("exp1", "exp2", "exp3")) {
            assertEquals(201, call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", name, "READ")).statusCode());
        }
        assertEquals(201, call("PUT", "/oidc/api/grants", admin, grant("group", "mlflow", "experiment", "exp2", "USE")).statusCode());
        JsonNode one = json(call("GET", "/oidc/api/grants?type=experiment&name=exp2", admin, null));
        assertEquals(List.of("exp2", "exp2"), one.get("grants").findValuesAsText("name").stream().filter(n -> n.startsWith("exp")).toList());
        assertEquals(2, one.get("grants").size());
        List<String> seen = new ArrayList<>();
        String page = "/oidc/api/grants?type=experiment&limit=3";
        int pages = 0;
        while (page != null) {
            JsonNode body = json(call("GET", page, admin, null));
            assertTrue(body.get("grants").size() <= 3);
            body.get("grants").forEach(g -> seen.add(g.get("resource").get("name").asText() + "/" + g.get("grantee").get("name").asText()));
            page = body.get("next").isNull() ? null : body.get("next").asText();
            if (page != null) {
                assertTrue(page.contains("type=experiment"), "the next link keeps the filter: " + page);
            }
            pages++;
        }
        assertEquals(2, pages);
        assertEquals(List.of("exp1/alice", "exp2/mlflow", "exp2/alice", "exp3/alice"), seen, "by resource, groups before users");

        for (String pattern : List.of("a-.*", "b-.*")) {
            assertEquals(201, call("POST", "/oidc/api/rules", admin, "{\"grantee\": {\"kind\": \"group\", \"name\": \"mlflow\"}, "
                    + "\"type\": \"experiment\", \"pattern\": \"" + pattern + "\", \"level\": \"READ\"}").statusCode());
        }
        JsonNode rules = json(call("GET", "/oidc/api/rules?limit=1", admin, null));
        assertEquals(List.of("a-.*"), rules.get("rules").findValuesAsText("pattern"));
        assertEquals(List.of("b-.*"), json(call("GET", rules.get("next").asText(), admin, null)).get("rules").findValuesAsText("pattern"));

        for (String bad : List.of("limit=0", "limit=1001", "limit=ten", "cursor=not-a-cursor", "cursor=WyJhIiwiYiJd")) {
            assertError(call("GET", "/oidc/api/grants?" + bad, admin, null), 400, "invalid_request", bad.startsWith("limit") ? "'limit'" : "'cursor'");
        }
        assertError(call("GET", "/oidc/api/rules?cursor=WyJhIiwiYiIsImMiXQ", admin, null), 400, "invalid_request", "'cursor'");
    }

    @Test
    void grantsAreCreatedChangedListedAndRevokedAndTheEffectiveLevelFollows() {
        assertEquals("NO_PERMISSIONS", effective(alice, null, "exp1").get("level").asText());
        assertEquals("default", effective(alice, null, "exp1").get("basis").asText());

        HttpResponse<String> created = call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "exp1", "READ"));
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(json(created).get("previous_level").isNull());
        HttpResponse<String> changed = call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "exp1", "edit"));
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("READ", json(changed).get("previous_level").asText());
        assertEquals("EDIT", json(changed).get("level").asText());

        JsonNode now = effective(admin, "alice", "exp1");
        assertEquals("EDIT", now.get("level").asText());
        assertEquals("user", now.get("basis").asText());
        assertEquals("MANAGE", effective(admin, null, "exp1").get("level").asText());
        assertEquals("admin", effective(admin, null, "exp1").get("basis").asText());

        assertEquals(201, call("PUT", "/oidc/api/grants", admin, grant("group", "data-team", "experiment", "exp1", "USE")).statusCode());
        JsonNode byType = json(call("GET", "/oidc/api/grants?type=experiment", admin, null)).get("grants");
        assertEquals(2, byType.size(), byType.toString());
        JsonNode byUser = json(call("GET", "/oidc/api/grants?user=alice", admin, null)).get("grants");
        assertEquals(1, byUser.size());
        assertEquals("exp1", byUser.get(0).get("resource").get("name").asText());
        assertEquals(2, json(call("GET", "/oidc/api/grants", admin, null)).get("grants").size());
        assertEquals(0, json(call("GET", "/oidc/api/grants?type=registered_model", admin, null)).get("grants").size());
        assertEquals("USE", effective(bob, null, "exp1").get("level").asText());
        assertEquals("group", effective(bob, null, "exp1").get("basis").asText());
        JsonNode team = json(call("GET", "/oidc/api/groups/data-team", admin, null));
        assertEquals("USE", team.get("grants").get(0).get("level").asText());
        JsonNode aliceUser = json(call("GET", "/oidc/api/users/alice", admin, null));
        assertEquals("EDIT", aliceUser.get("grants").get(0).get("level").asText());

        assertEquals(204, call("DELETE", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "exp1", null)).statusCode());
        assertError(call("DELETE", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "exp1", null)), 404, "not_found", "no grant");
        assertEquals("NO_PERMISSIONS", effective(alice, null, "exp1").get("level").asText());
    }

    @Test
    void regexRulesAreCreatedChangedAndDeleted() {
        HttpResponse<String> created = call("POST", "/oidc/api/rules", admin,
                "{\"grantee\": {\"kind\": \"group\", \"name\": \"mlflow\"}, \"type\": \"experiment\", \"pattern\": \"team-a-.*\", "
                        + "\"level\": \"READ\", \"priority\": 5}");
        assertEquals(201, created.statusCode(), created.body());
        long id = json(created).get("id").asLong();
        assertEquals("/oidc/api/rules/" + id, created.headers().firstValue("Location").orElseThrow());
        assertEquals("READ", effective(alice, null, "team-a-churn").get("level").asText());
        assertEquals("group-regex", effective(alice, null, "team-a-churn").get("basis").asText());
        assertEquals("NO_PERMISSIONS", effective(alice, null, "team-b-churn").get("level").asText());

        HttpResponse<String> changed = call("PATCH", "/oidc/api/rules/" + id, admin, "{\"level\": \"EDIT\", \"pattern\": \"team-.*\"}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals(5, json(changed).get("priority").asInt());
        assertEquals("EDIT", effective(alice, null, "team-b-churn").get("level").asText());
        assertEquals(1, json(call("GET", "/oidc/api/rules?type=experiment", admin, null)).get("rules").size());
        assertEquals(0, json(call("GET", "/oidc/api/rules?type=registered_model", admin, null)).get("rules").size());
        assertEquals("team-.*", json(call("GET", "/oidc/api/rules/" + id, admin, null)).get("pattern").asText());
        assertEquals(1, json(call("GET", "/oidc/api/groups/mlflow", admin, null)).get("rules").size());

        assertError(call("PATCH", "/oidc/api/rules/" + id, admin, "{}"), 400, "invalid_request", "Nothing to change");
        assertEquals(204, call("DELETE", "/oidc/api/rules/" + id, admin, null).statusCode());
        assertError(call("DELETE", "/oidc/api/rules/" + id, admin, null), 404, "not_found", "no rule");
        assertError(call("PATCH", "/oidc/api/rules/" + id, admin, "{\"level\": \"READ\"}"), 404, "not_found", "no rule");
        assertError(call("GET", "/oidc/api/rules/abc", admin, null), 404, "not_found", "numbers");
        assertEquals("NO_PERMISSIONS", effective(alice, null, "team-b-churn").get("level").asText());
    }

    @Test
    void badInputIsRefusedWithAClearJsonError() {
        String rule = "{\"grantee\": {\"kind\": \"user\", \"name\": \"alice\"}, \"type\": \"experiment\", \"level\": \"READ\", \"pattern\": ";
        assertError(call("POST", "/oidc/api/rules", admin, rule + "\"(unclosed\"}"), 400, "invalid_request", "not a valid regular expression");
        assertError(call("POST", "/oidc/api/rules", admin, rule + "\"(a)\\\\1\"}"), 400, "invalid_request", "RE2");
        assertError(call("POST", "/oidc/api/rules", admin, rule + "\"" + "a".repeat(513) + "\"}"), 400, "invalid_request", "at most 512");
        assertError(call("POST", "/oidc/api/rules", admin, rule + "\"x\", \"priority\": 1.5}"), 400, "invalid_request", "whole number");
        assertError(call("PUT", "/oidc/api/grants", admin, "{\"grantee\": "), 400, "invalid_request", "not valid JSON");
        assertError(call("PUT", "/oidc/api/grants", admin, "[]"), 400, "invalid_request", "must be a JSON object");
        assertError(call("PUT", "/oidc/api/grants", admin, ""), 400, "invalid_request", "body is empty");
        assertError(call("PUT", "/oidc/api/grants", admin, "{\"level\": \"READ\", \"level\": \"EDIT\"}"), 400, "invalid_request", "Duplicate");
        assertError(call("PUT", "/oidc/api/grants", admin, "{} {}"), 400, "invalid_request", "not valid JSON");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "x", "ADMIN")), 400, "invalid_request",
                "not a permission level; use one of NO_PERMISSIONS, READ, USE, EDIT, MANAGE");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "notebook", "x", "READ")), 400, "invalid_request",
                "resource type 'notebook' is not declared; use one of experiment, registered_model");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("robot", "alice", "experiment", "x", "READ")), 400, "invalid_request",
                "neither 'user' nor 'group'");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "x".repeat(513), "READ")), 400,
                "invalid_request", "at most 512");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("user", "a".repeat(257), "experiment", "x", "READ")), 400,
                "invalid_request", "at most 256");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "x", "READ").replaceFirst("}$", ", \"extra\": 1}")),
                400, "invalid_request", "Unknown field 'extra'");
        assertError(call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "x", "READ").replace("\"kind\"", "\"knid\"")),
                400, "invalid_request", "Unknown field 'knid' in grantee");
        assertError(call("PUT", "/oidc/api/grants", admin, "{\"grantee\": \"alice\"}"), 400, "invalid_request", "'grantee' must be an object");
        assertError(call(new Browser(), "PUT", "/oidc/api/grants", admin, "level=READ", Map.of("Content-Type", "text/plain")),
                415, "unsupported_media_type", "application/json");
        assertError(call("PUT", "/oidc/api/grants", admin, "{\"level\": \"" + "x".repeat(20_000) + "\"}"), 413, "payload_too_large", "16384");
        assertError(call("GET", "/oidc/api/grants?type=notebook", admin, null), 400, "invalid_request", "not declared");
        assertError(call("GET", "/oidc/api/permissions/effective?name=x", alice, null), 400, "invalid_request", "'type' is required");
        assertError(call("GET", "/oidc/api/users/" + "u".repeat(300), admin, null), 400, "invalid_request", "1 to 256");
        assertTrue(json(call("GET", "/oidc/api/grants", admin, null)).get("grants").isEmpty(), "nothing was stored by refused requests");
    }

    @Test
    void invalidJsonIsExplainedWithoutTheParsersClassNamesOrSettings() {
        // Jackson's own messages name its classes and switches ("bound as `com.fasterxml...JsonNode`",
        // "enable `JsonReadFeature...`"): internals no client may see, and no help to one either.
        for (String body : List.of("{} {}", "{\"level\": NaN}", "{\"grantee\": ", "{'level': 1}", "{\"level\": 01}")) {
            HttpResponse<String> response = call("PUT", "/oidc/api/grants", admin, body);
            assertError(response, 400, "invalid_request", "not valid JSON");
            String message = json(response).get("message").asText();
            assertFalse(message.matches("(?is).*(jackson|fasterxml|Feature|REDACTED|`).*"), body + " -> " + message);
            assertTrue(message.contains("line 1, column "), body + " -> " + message);
        }
    }

    @Test
    void effectivePermissionsForYourselfOrAsAdmin() {
        assertError(call("GET", "/oidc/api/permissions/effective?type=experiment&name=x&user=bob", alice, null), 403, "forbidden",
                "another user");
        assertEquals("alice", effective(alice, "alice", "x").get("user").asText());
        assertError(call("GET", "/oidc/api/permissions/effective?type=experiment&name=x&user=nobody", admin, null), 404, "not_found", "nobody");
        call("PATCH", "/oidc/api/users/bob", admin, "{\"disabled\": true}");
        JsonNode disabled = effective(admin, "bob", "x");
        assertEquals("disabled", disabled.get("basis").asText());
    }

    @Test
    void resourceTypesAndPolicyAreListedForEveryone() {
        JsonNode types = json(call("GET", "/oidc/api/resource-types", alice, null));
        assertEquals("[\"experiment\",\"registered_model\"]", types.get("resource_types").toString());
        assertEquals("[\"NO_PERMISSIONS\",\"READ\",\"USE\",\"EDIT\",\"MANAGE\"]", types.get("levels").toString());
        assertEquals("[\"user\",\"group\",\"regex\",\"group-regex\"]", types.get("source_order").toString());
        assertEquals("NO_PERMISSIONS", types.get("default_level").asText());
    }

    @Test
    void withoutADatabaseTheApiIs404() throws Exception {
        OidcSso bare = OidcSso.builder(settings(Map.of())).build();
        HttpServer bareApp = DemoApps.jdkApp(bare);
        extra.add(() -> bareApp.stop(0));
        extra.add(bare);
        HttpResponse<String> response = new Browser().get(DemoApps.baseUrl(bareApp) + "/oidc/api/me", Map.of("Authorization", alice));
        assertError(response, 404, "not_found", "user database");
        assertTrue(bare.permissions().isEmpty());
    }

    @Test
    void aStoreOutageIs503NotAWrongAnswer() {
        assertEquals(200, call("GET", "/oidc/api/users", admin, null).statusCode());
        db.close();
        HttpResponse<String> down = call("PUT", "/oidc/api/grants", admin, grant("user", "alice", "experiment", "x", "READ"));
        assertError(down, 503, "unavailable", "");
        assertEquals("5", down.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(503, call("GET", "/oidc/api/users", admin, null).statusCode());
    }
}
