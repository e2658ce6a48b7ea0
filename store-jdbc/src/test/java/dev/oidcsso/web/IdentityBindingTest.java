package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.IdpIdentity;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import dev.oidcsso.testing.stub.StubWorkloadIssuer;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Users bound to the issuer and subject of their first login, through real browser logins at the
 * in-process OpenID provider with an H2 store: another subject bringing the same user name is
 * refused with 403 and an audit line and changes nothing; an administrator unbinds or links the
 * user through the REST API, also by {@code ?name=}.
 */
class IdentityBindingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    StoreApp app;
    String admin;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.start();
        db = Database.open(StoreSettings.embedded(dataDir));
        app = StoreApp.start(op, db, Map.of(), b -> b.resourceTypes(ResourceTypes.of("experiment")));
        op.user(TestUser.admin());
        admin = "Bearer " + op.accessToken(Map.of());
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** A browser login as a user whose subject is {@code subject} and whose preferred_username is alice. */
    HttpResponse<String> loginAsAlice(String subject, String... groups) {
        TestUser alice = TestUser.withGroups("alice", groups.length == 0 ? new String[] {"mlflow"} : groups);
        op.user(new TestUser(subject, alice.claims()));
        Browser browser = new Browser();
        browser.defaultHeader("Accept", "text/html");
        return browser.navigate(app.base() + "/").last();
    }

    HttpResponse<String> api(String method, String path, String body) {
        return new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + path)).header("Authorization", admin)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(response.body(), e);
        }
    }

    @Test
    void anotherSubjectWithTheSameUserNameIsRefusedUntilAnAdminUnbindsTheUser() {
        assertEquals(200, loginAsAlice("alice-subject").statusCode());
        IdpIdentity alice = new IdpIdentity(op.issuer(), "alice-subject");
        assertEquals(Optional.of(alice), db.users().find("alice").orElseThrow().identity());

        String[] refusal = new String[1];
        String lines = RestApiCsrfTest.captureStandardError(() -> {
            HttpResponse<String> page = loginAsAlice("mallory-subject", "mlflow", "intruders");
            assertEquals(403, page.statusCode(), page.body());
            refusal[0] = page.body();
        });
        assertTrue(refusal[0].contains("belongs to another account"), refusal[0]);
        assertFalse(refusal[0].contains("alice-subject"), "the page names neither subject");
        assertTrue(lines.contains("login refused: identity mismatch user=alice issuer=" + op.issuer()
                + " subject=mallory-subject bound_issuer=" + op.issuer() + " bound_subject=alice-subject"), lines);
        assertEquals(Set.of("mlflow"), db.users().find("alice").orElseThrow().groups(), "the refused login changed nothing");
        assertEquals(200, loginAsAlice("alice-subject").statusCode(), "alice herself still signs in");

        JsonNode shown = json(api("GET", "/oidc/api/users/alice", null));
        assertEquals(op.issuer(), shown.get("identity").get("issuer").asText());
        assertEquals("alice-subject", shown.get("identity").get("subject").asText());

        // Unbinding (addressed by ?name=, as for names a container refuses in a path): the next login binds again.
        HttpResponse<String> unbound = api("DELETE", "/oidc/api/users/identity?name=alice", null);
        assertEquals(200, unbound.statusCode(), unbound.body());
        assertTrue(json(unbound).get("identity").isNull());
        assertEquals(200, loginAsAlice("alice-new-subject").statusCode());
        assertEquals("alice-new-subject", db.users().find("alice").orElseThrow().identity().orElseThrow().subject());
        assertEquals(403, loginAsAlice("alice-subject").statusCode(), "the old subject is now the stranger");

        // Linking to a chosen pair.
        HttpResponse<String> linked = api("PUT", "/oidc/api/users/alice/identity",
                "{\"issuer\": \"" + op.issuer() + "\", \"subject\": \"alice-subject\"}");
        assertEquals(200, linked.statusCode(), linked.body());
        assertEquals("alice-subject", json(linked).get("identity").get("subject").asText());
        assertEquals(200, loginAsAlice("alice-subject").statusCode());
        assertEquals(403, loginAsAlice("alice-new-subject").statusCode());
    }

    @Test
    void linkingChecksItsInputAndTheUser() {
        assertEquals(200, loginAsAlice("alice-subject").statusCode());
        assertEquals(400, api("PUT", "/oidc/api/users/alice/identity", "{\"issuer\": \"https://x\"}").statusCode());
        assertEquals(400, api("PUT", "/oidc/api/users/alice/identity", "{\"issuer\": \"https://x\", \"subject\": \"a\\u0000b\"}")
                .statusCode());
        assertEquals(400, api("PUT", "/oidc/api/users/alice/identity",
                "{\"issuer\": \"https://x\", \"subject\": \"" + "s".repeat(IdpIdentity.MAX_LENGTH + 1) + "\"}").statusCode());
        assertEquals(404, api("DELETE", "/oidc/api/users/nobody/identity", null).statusCode());
        assertEquals(404, api("PUT", "/oidc/api/users/nobody/identity", "{\"issuer\": \"https://x\", \"subject\": \"s\"}").statusCode());
        HttpResponse<String> wrongMethod = api("POST", "/oidc/api/users/alice/identity", "{}");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("PUT, DELETE", wrongMethod.headers().firstValue("Allow").orElseThrow());
        assertEquals("alice-subject", db.users().find("alice").orElseThrow().identity().orElseThrow().subject());
    }

    @Test
    void aBearerTokenOfAnotherSubjectWithABoundUserNameIsRefused() {
        assertEquals(200, loginAsAlice("alice-subject").statusCode());
        op.user(new TestUser("mallory-subject", TestUser.withGroups("alice", "mlflow").claims()));
        HttpResponse<String> me = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                .header("Authorization", "Bearer " + op.accessToken(Map.of())));
        assertEquals(403, me.statusCode(), me.body());
        op.user(new TestUser("alice-subject", TestUser.withGroups("alice", "mlflow").claims()));
        assertEquals(200, new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                .header("Authorization", "Bearer " + op.accessToken(Map.of()))).statusCode());
    }

    @Test
    void aWorkloadsUserNameCannotBeTakenBySigningInUnderIt() throws Exception {
        try (StubWorkloadIssuer issuer = StubWorkloadIssuer.start()) {
            Map<String, String> settings = new java.util.HashMap<>(issuer.settings("ci", "alice"));
            settings.put("OIDC_WORKLOAD_CI_GROUPS", "mlflow-admin");
            settings.put("OIDC_AUTH_MODE", "oidc,trusted-header");
            settings.put("OIDC_TRUSTED_PROXIES", "127.0.0.1");
            app.restart(settings);
            String workload = "Bearer " + issuer.token(java.time.Instant.now(), java.time.Duration.ofMinutes(5));
            HttpResponse<String> first = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                    .header("Authorization", workload));
            assertEquals(200, first.statusCode(), first.body());

            // A person whose preferred_username is the workload's user name (an IdP letting users pick it)
            // is refused at sign-in, and gains neither the workload's groups nor its grants.
            HttpResponse<String> page = loginAsAlice("alice-subject");
            assertEquals(403, page.statusCode(), page.body());
            assertTrue(page.body().contains("belongs to another account"), page.body());
            assertEquals(Set.of("mlflow-admin"), db.users().find("alice").orElseThrow().groups());
            op.user(new TestUser("alice-subject", TestUser.withGroups("alice", "mlflow").claims()));
            HttpResponse<String> bearer = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                    .header("Authorization", "Bearer " + op.accessToken(Map.of())));
            assertEquals(403, bearer.statusCode(), "nor with the IdP's bearer token: " + bearer.body());
            HttpResponse<String> proxied = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                    .header("X-Forwarded-User", "alice").header("X-Forwarded-Groups", "mlflow"));
            assertEquals(403, proxied.statusCode(), "nor as a proxy's user: " + proxied.body());
            assertEquals(Set.of("mlflow-admin"), db.users().find("alice").orElseThrow().groups(), "the workload's groups are unchanged");
            assertEquals(200, new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                    .header("Authorization", workload)).statusCode(), "the workload keeps its name");
        }
    }

    @Test
    void aWorkloadWhoseUserNameAPersonHoldsIsRefused() throws Exception {
        assertEquals(200, loginAsAlice("alice-subject").statusCode());
        try (StubWorkloadIssuer issuer = StubWorkloadIssuer.start()) {
            app.restart(issuer.settings("ci", "alice"));
            HttpResponse<String> refused = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                    .header("Authorization", "Bearer " + issuer.token(java.time.Instant.now(), java.time.Duration.ofMinutes(5))));
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals(Optional.of(new IdpIdentity(op.issuer(), "alice-subject")), db.users().find("alice").orElseThrow().identity(),
                    "the person keeps the name");
        }
    }

    @Test
    void aLoginRefusedForItsGroupsNeverBindsNorChangesAnotherIdentitysUser() {
        // Bob is known from his bearer token (recorded, not bound to any browser sign-in yet).
        op.user(new TestUser("bob-subject", TestUser.withGroups("bob", "mlflow").claims()));
        HttpResponse<String> me = new Browser().send(HttpRequest.newBuilder(URI.create(app.base() + "/oidc/api/me"))
                .header("Authorization", "Bearer " + op.accessToken(Map.of())));
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(Optional.empty(), db.users().find("bob").orElseThrow().identity());

        // Someone else whose user name claim says "bob", in no allowed group, is refused and changes nothing.
        op.user(new TestUser("mallory-subject", TestUser.withGroups("bob", "sales").claims()));
        Browser browser = new Browser();
        browser.defaultHeader("Accept", "text/html");
        assertEquals(403, browser.navigate(app.base() + "/").last().statusCode());
        assertEquals(Optional.empty(), db.users().find("bob").orElseThrow().identity(), "not bound by a refused login");
        assertEquals(Set.of("mlflow"), db.users().find("bob").orElseThrow().groups(), "Bob's groups are his own");
    }
}
