package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two in-process OPs with the JDBC store: a session kept in the database still logs out through the
 * IdP it signed in with, after the application restarts on the same database; its role on each request
 * is decided with its IdP's own group names; and a user bound to one IdP is refused from the other.
 */
class SeveralIdpsStoreTest {

    @TempDir
    Path dataDir;
    TestProvider staff;
    TestProvider partners;
    Database db;
    OidcSso sso;
    HttpServer app;
    String base;

    @BeforeEach
    void start() throws Exception {
        staff = TestProvider.builder().clientId("staff-app").user(TestUser.alice()).start();
        partners = TestProvider.builder().clientId("partner-app").user(TestUser.withGroups("pat", "partner-admins")).start();
        db = Database.open(StoreSettings.embedded(dataDir));
        startApp();
    }

    void startApp() throws Exception {
        sso = OidcSso.builder(OidcSettings.builder().setAll(Map.of("OIDC_PROVIDERS", "staff,partners",
                        "OIDC_STAFF_DISCOVERY_URL", staff.discoveryUrl().toString(), "OIDC_STAFF_CLIENT_ID", staff.clientId(),
                        "OIDC_STAFF_CLIENT_SECRET", staff.clientSecret(),
                        "OIDC_PARTNERS_DISCOVERY_URL", partners.discoveryUrl().toString(), "OIDC_PARTNERS_CLIENT_ID", partners.clientId(),
                        "OIDC_PARTNERS_CLIENT_SECRET", partners.clientSecret(),
                        "OIDC_PARTNERS_GROUP_NAME", "partners", "OIDC_PARTNERS_ADMIN_GROUP_NAME", "partner-admins"))
                .secretKey(JdkServerLoginTest.KEY).build()).database(db).build();
        app = DemoApps.jdkApp(sso);
        base = DemoApps.baseUrl(app);
        for (TestProvider op : List.of(staff, partners)) {
            op.registerRedirectUri(base + "/callback").registerPostLogoutRedirectUri(base + "/");
        }
    }

    void stopApp() {
        app.stop(0);
        sso.close();
    }

    @AfterEach
    void stop() {
        stopApp();
        db.close();
        staff.close();
        partners.close();
    }

    @Test
    void aStoredSessionLogsOutThroughItsIdpAfterARestart() throws Exception {
        Browser pat = new Browser().defaultHeader("Accept", "text/html");
        assertEquals("hello pat (admin) via session at /", pat.navigate(base + "/login?idp=partners").body());
        // Each later request decides the role from the recorded groups with the partners' own group names.
        assertTrue(pat.getJson(base + "/auth/status").body().contains("\"admin\":true"), pat.getJson(base + "/auth/status").body());
        // Another instance on the same database (a replica, or this one restarted on a new port).
        stopApp();
        startApp();
        assertTrue(pat.getJson(base + "/auth/status").body().contains("\"username\":\"pat\""), "the stored session lives on");
        HttpResponse<String> out = pat.signOut(base);
        assertEquals(302, out.statusCode(), out.body());
        assertTrue(out.headers().firstValue("Location").orElseThrow().startsWith(partners.endSessionEndpoint().toString()),
                out.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void theRestApiShowsEachUsersRoleUnderTheirOwnIdpsGroupNames() {
        // sam is a staff user in a group whose name is the partners' admin group: not an admin at staff.
        staff.user(TestUser.withGroups("sam", "mlflow", "partner-admins"));
        assertEquals("hello sam via session at /", new Browser().defaultHeader("Accept", "text/html")
                .navigate(base + "/login?idp=staff").body());
        Browser pat = new Browser().defaultHeader("Accept", "text/html");
        assertEquals("hello pat (admin) via session at /", pat.navigate(base + "/login?idp=partners").body());

        HttpResponse<String> users = pat.getJson(base + "/oidc/api/users");
        assertEquals(200, users.statusCode(), users.body());
        Map<String, Boolean> admins = new java.util.HashMap<>();
        RestApiTest.json(users).get("users").forEach(user -> admins.put(user.get("username").asText(), user.get("admin").asBoolean()));
        assertEquals(Map.of("sam", false, "pat", true), admins, users.body());

        HttpResponse<String> samsView = pat.getJson(base + "/oidc/api/permissions?user=sam&type=experiment&name=x");
        assertTrue(samsView.statusCode() != 200 || !samsView.body().contains("\"admin\":true"), samsView.body());
        HttpResponse<String> group = pat.getJson(base + "/oidc/api/groups/partner-admins");
        assertEquals(200, group.statusCode(), group.body());
        assertTrue(group.body().contains("\"admin\":true"), "an admin group of one IdP is shown as one: " + group.body());
    }

    HttpResponse<String> statusWith(String authorization) {
        return new Browser().get(base + "/auth/status", Map.of("Authorization", authorization, "Accept", "application/json"));
    }

    HttpResponse<String> createTokenWith(String authorization) {
        return new Browser().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/oidc/api/me/token"))
                .header("Authorization", authorization).header("Accept", "application/json").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
    }

    @Test
    void groupsAnotherIdpChoseNeverMakeAnAccessTokenAdminUnderTheFirstIdpsNames() {
        // mlflow-admin means nothing at partners, but is staff's (the first IdP's) admin group.
        partners.user(TestUser.withGroups("pat", "partners", "mlflow-admin"));
        String bearer = "Bearer " + partners.accessToken(Map.of());
        HttpResponse<String> asBearer = statusWith(bearer);
        assertEquals(200, asBearer.statusCode(), asBearer.body());
        assertTrue(asBearer.body().contains("\"admin\":false"), asBearer.body());
        HttpResponse<String> created = createTokenWith(bearer);
        assertEquals(201, created.statusCode(), created.body());
        String token = RestApiTest.json(created).get("token").asText();

        // pat never signed in through a browser, so no IdP is known for the name: no role at all, not staff's.
        HttpResponse<String> asBasic = statusWith(Browser.basicAuthorization("pat", token));
        assertFalse(asBasic.body().contains("\"admin\":true"), asBasic.body());
        assertEquals(403, new Browser().get(base + "/oidc/api/users", Map.of("Authorization", Browser.basicAuthorization("pat", token),
                "Accept", "application/json")).statusCode());

        // Once bound to partners by a sign-in, the partners' own names decide: a user, not an admin.
        assertEquals("hello pat via session at /", new Browser().defaultHeader("Accept", "text/html")
                .navigate(base + "/login?idp=partners").body());
        HttpResponse<String> bound = statusWith(Browser.basicAuthorization("pat", token));
        assertEquals(200, bound.statusCode(), bound.body());
        assertTrue(bound.body().contains("\"admin\":false"), bound.body());
    }

    @Test
    void anotherIdpsTokenWithTheSameSubjectDoesNotSpeakForABoundUser() throws Exception {
        Browser alice = new Browser().defaultHeader("Accept", "text/html");
        assertEquals("hello alice via session at /", alice.navigate(base + "/login?idp=staff").body());
        java.util.Set<String> groupsBefore = db.users().find("alice").orElseThrow().groups();

        partners.user(TestUser.withGroups("alice", "partners", "mlflow-admin")); // the same sub, "alice", as at staff
        Thread.sleep(1100); // a token issued after alice's sign-in, so it would be recorded if accepted
        String bearer = "Bearer " + partners.accessToken(Map.of());
        HttpResponse<String> asBearer = statusWith(bearer);
        assertEquals(403, asBearer.statusCode(), asBearer.body());
        assertEquals(403, createTokenWith(bearer).statusCode());
        assertEquals(groupsBefore, db.users().find("alice").orElseThrow().groups(), "nothing recorded on alice's account");
        assertTrue(alice.getJson(base + "/auth/status").body().contains("\"admin\":false"));

        // alice's own IdP's bearer tokens still work.
        assertEquals(200, statusWith("Bearer " + staff.accessToken(Map.of())).statusCode());
    }

    @Test
    void aUserBoundToOneIdpIsRefusedFromTheOther() {
        assertEquals("hello alice via session at /", new Browser().defaultHeader("Accept", "text/html")
                .navigate(base + "/login?idp=staff").body());
        partners.user(TestUser.withGroups("alice", "mlflow"));
        Browser.Navigation refused = new Browser().defaultHeader("Accept", "text/html").navigate(base + "/login?idp=partners");
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(staff.issuer(), db.users().find("alice").orElseThrow().identity().orElseThrow().issuer(),
                "the account stays bound to the staff OP");
    }
}
