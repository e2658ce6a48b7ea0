package dev.oidcsso.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.oidcsso.store.jdbc.TestDatabase;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.util.Map;

import static dev.oidcsso.web.Replicas.authenticated;
import static dev.oidcsso.web.Replicas.awaitOnTheOther;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Revocation per user with the user database, on H2 and on PostgreSQL, across two replicas: an
 * administrator signs a user out everywhere, which also ends their access token (a browser's own
 * sign-out does not); disabling a user ends every session and token issued before, for good; a role
 * change recorded by a later login reaches the user's other sessions.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
@ExtendWith(TestDatabase.Servers.class)
class SessionRevocationTest {

    @Parameter
    TestDatabase database;
    Replicas replicas;
    Replicas.Replica a;
    Replicas.Replica b;

    @BeforeEach
    void start(TestDatabase.Servers servers) throws Exception {
        replicas = Replicas.start(servers.newDatabaseUrl(database), Map.of());
        a = replicas.a;
        b = replicas.b;
    }

    @AfterEach
    void stop() {
        replicas.close();
    }

    Browser signedInAs(Replicas.Replica replica, TestUser user) {
        return replicas.signedIn(replica, user);
    }

    JsonNode status(Browser browser, Replicas.Replica replica) {
        return RestApiTest.json(browser.get(replica.url("/auth/status"), Map.of("Accept", "application/json")));
    }

    static Map<String, String> accept(String authorization) {
        return Map.of("Authorization", authorization, "Accept", "application/json");
    }

    @Test
    void anAdministratorSignsAUserOutEverywhere() {
        Browser admin = signedInAs(a, TestUser.admin());
        Browser laptop = signedInAs(a, TestUser.alice());
        Browser phone = signedInAs(b, TestUser.alice());
        assertTrue(authenticated(laptop, b) && authenticated(phone, b) && authenticated(phone, a), "each session works on both replicas");

        HttpResponse<String> ended = admin.sendJson("DELETE", a.url("/oidc/api/users/alice/sessions"), null);
        assertEquals(200, ended.statusCode(), ended.body());
        assertEquals(2, RestApiTest.json(ended).get("sessions_ended").asInt());
        assertFalse(authenticated(laptop, a));
        assertFalse(authenticated(phone, a));
        awaitOnTheOther(() -> !authenticated(laptop, b) && !authenticated(phone, b), "sign out everywhere reaching replica B");
        assertTrue(authenticated(admin, a) && authenticated(admin, b), "the administrator's own session lives on");
        Browser plain = signedInAs(b, TestUser.withGroups("bob", "mlflow"));
        assertEquals(403, plain.sendJson("DELETE", b.url("/oidc/api/users/admin/sessions"), null).statusCode(), "administrators only");
        assertEquals(404, admin.sendJson("DELETE", a.url("/oidc/api/users/nobody/sessions"), null).statusCode());
    }

    /**
     * Review finding R4-1: with a stolen session, a thief reads the CSRF token from {@code GET /oidc/api/me}
     * and mints an access token that never expires. "Sign out everywhere" is the answer to a stolen account,
     * so it must end that token too, or the token outlives every session (and the victim's next logins keep
     * its groups fresh).
     */
    @Test
    void signingOutEverywhereAlsoEndsTheAccessTokenAStolenSessionMinted() {
        Browser admin = signedInAs(a, TestUser.admin());
        Browser stolen = signedInAs(b, TestUser.alice());
        HttpResponse<String> minted = stolen.sendJson("POST", b.url("/oidc/api/me/token"), null);
        assertEquals(201, minted.statusCode(), minted.body());
        JsonNode json = RestApiTest.json(minted);
        assertTrue(json.get("expires_at").isNull(), "a session mints a token that never expires: " + json);
        Map<String, String> basic = accept(Browser.basicAuthorization("alice", json.get("token").asText()));
        for (Replicas.Replica replica : new Replicas.Replica[] {a, b}) {
            assertEquals(200, new Browser().get(replica.url("/api/x"), basic).statusCode(), "the token works before");
        }

        HttpResponse<String> ended = admin.sendJson("DELETE", a.url("/oidc/api/users/alice/sessions"), null);
        assertEquals(200, ended.statusCode(), ended.body());
        assertFalse(authenticated(stolen, a), "the stolen session is dead");
        assertEquals(401, new Browser().get(a.url("/api/x"), basic).statusCode(), "the minted token ends with the sessions");
        awaitOnTheOther(() -> !authenticated(stolen, b) && new Browser().get(b.url("/api/x"), basic).statusCode() == 401,
                "sign out everywhere, token included, reaching replica B");
        assertTrue(RestApiTest.json(ended).path("token_deleted").asBoolean(), ended.body());

        // The victim signs in again: the token stays dead.
        signedInAs(b, TestUser.alice());
        for (Replicas.Replica replica : new Replicas.Replica[] {a, b}) {
            assertEquals(401, new Browser().get(replica.url("/api/x"), basic).statusCode(), "the victim's next login revives nothing");
        }
        HttpResponse<String> again = admin.sendJson("DELETE", a.url("/oidc/api/users/alice/sessions"), null);
        assertFalse(RestApiTest.json(again).path("token_deleted").asBoolean(true), "no token left to delete: " + again.body());
    }

    /**
     * Signing out everywhere on one replica reaches the other's session cache within the poll interval; a
     * token minted there with the stolen session meanwhile (a thief minting in a loop) must not outlive the
     * sessions either: the mint reads the session from the store once the token is made.
     */
    @Test
    void aTokenMintedOnTheOtherReplicaAsSignOutEverywhereRunsDoesNotOutliveIt() {
        Browser admin = signedInAs(a, TestUser.admin());
        Browser stolen = signedInAs(b, TestUser.alice());
        assertTrue(authenticated(stolen, b), "the session is in replica B's cache");

        assertEquals(200, admin.sendJson("DELETE", a.url("/oidc/api/users/alice/sessions"), null).statusCode());
        HttpResponse<String> minted = stolen.sendJson("POST", b.url("/oidc/api/me/token"), null);
        assertEquals(401, minted.statusCode(), "no token from a session signed out everywhere: " + minted.body());
        assertTrue(b.db().tokens().find("alice").isEmpty() && a.db().tokens().find("alice").isEmpty(), "none kept either");
    }

    /**
     * A thief holding an access token rotates it on the replica that still caches it, right after an
     * administrator signed the user out everywhere on the other: the rotation is a compare-and-set on
     * the stored token, so no fresh token comes out of that window.
     */
    @Test
    void aTokenDeletedBySignOutEverywhereCannotBeRotatedThroughAnotherReplicasCache() {
        Browser admin = signedInAs(a, TestUser.admin());
        Browser alice = signedInAs(b, TestUser.alice());
        HttpResponse<String> created = alice.sendJson("POST", b.url("/oidc/api/me/token"), null);
        assertEquals(201, created.statusCode(), created.body());
        String token = RestApiTest.json(created).get("token").asText();
        Map<String, String> basic = accept(Browser.basicAuthorization("alice", token));
        assertEquals(200, new Browser().get(b.url("/api/x"), basic).statusCode(), "replica B caches the token");

        assertEquals(200, admin.sendJson("DELETE", a.url("/oidc/api/users/alice/sessions"), null).statusCode());
        HttpResponse<String> rotated = new Browser().defaultHeader("Authorization", basic.get("Authorization"))
                .sendJson("POST", b.url("/oidc/api/me/token"), null);
        assertEquals(401, rotated.statusCode(), "no new token from a deleted one: " + rotated.body());
        assertTrue(a.db().tokens().find("alice").isEmpty(), "none kept");
    }

    /**
     * A browser's own sign-out ends that session only: the user's access token is a credential they made on
     * purpose for their scripts, which keep working.
     */
    @Test
    void aUsersSignOutEndsThatSessionButNotTheirAccessToken() {
        Browser alice = signedInAs(b, TestUser.alice());
        HttpResponse<String> created = alice.sendJson("POST", b.url("/oidc/api/me/token"), null);
        assertEquals(201, created.statusCode(), created.body());
        Map<String, String> basic = accept(Browser.basicAuthorization("alice", RestApiTest.json(created).get("token").asText()));

        assertEquals(302, alice.signOut(b.base()).statusCode());
        assertFalse(authenticated(alice, b));
        awaitOnTheOther(() -> !authenticated(alice, a), "the sign-out reaching replica A");
        for (Replicas.Replica replica : new Replicas.Replica[] {a, b}) {
            assertEquals(200, new Browser().get(replica.url("/api/x"), basic).statusCode(), "the access token lives on");
        }
    }

    @Test
    void disablingEndsSessionsAndTokensForGoodReEnablingRevivesNone() {
        Browser admin = signedInAs(a, TestUser.admin());
        Browser alice = signedInAs(b, TestUser.alice());
        HttpResponse<String> created = alice.sendJson("POST", b.url("/oidc/api/me/token"), null);
        assertTrue(created.statusCode() / 100 == 2, created.body());
        String token = RestApiTest.json(created).get("token").asText();
        Map<String, String> basic = accept(Browser.basicAuthorization("alice", token));
        Map<String, String> bearer = accept("Bearer " + replicas.op.accessToken(Map.of()));
        for (Replicas.Replica replica : new Replicas.Replica[] {a, b}) {
            assertTrue(RestApiTest.json(new Browser().get(replica.url("/auth/status"), basic)).get("authenticated").asBoolean());
            assertEquals(200, new Browser().get(replica.url("/api/x"), bearer).statusCode(), "the IdP's access token works");
            // Twice: a bearer token is kept in the replica's verified-token cache the second time it is verified, so
            // the refusal below is the cached token's, not a new verification's.
            assertEquals(200, new Browser().get(replica.url("/api/x"), bearer).statusCode(), "and is kept");
        }

        assertEquals(200, admin.sendJson("PATCH", a.url("/oidc/api/users/alice"), "{\"disabled\": true}").statusCode());
        assertFalse(authenticated(alice, a));
        assertEquals(403, new Browser().get(a.url("/api/x"), basic).statusCode());
        awaitOnTheOther(() -> !authenticated(alice, b), "the disable reaching replica B");
        assertEquals(403, new Browser().get(b.url("/api/x"), basic).statusCode());
        assertEquals(403, new Browser().get(b.url("/api/x"), bearer).statusCode());

        assertEquals(200, admin.sendJson("PATCH", a.url("/oidc/api/users/alice"), "{\"disabled\": false}").statusCode());
        // A new login works on both replicas: both know alice is enabled again, so what follows is not a stale cache.
        replicas.op.user(TestUser.alice());
        Browser again = new Browser().defaultHeader("Accept", "text/html");
        awaitOnTheOther(() -> again.navigate(b.url("/")).statusCode() == 200 && authenticated(again, a),
                "the re-enable reaching both replicas");
        for (Replicas.Replica replica : new Replicas.Replica[] {a, b}) {
            assertFalse(authenticated(alice, replica), "the session ended by the disable stays ended");
            assertEquals(403, new Browser().get(replica.url("/api/x"), basic).statusCode(), "the token issued before the disable stays dead");
            int withBearer = new Browser().get(replica.url("/api/x"), bearer).statusCode();
            assertTrue(withBearer == 401 || withBearer == 403, "the IdP's access token issued before the disable stays dead: " + withBearer);
        }
    }

    @Test
    void aRoleChangeRecordedByALaterLoginReachesTheOtherSessions() {
        Browser first = signedInAs(a, TestUser.withGroups("bob", "mlflow-admin"));
        assertTrue(status(first, a).get("admin").asBoolean());
        assertTrue(status(first, b).get("admin").asBoolean());
        signedInAs(b, TestUser.withGroups("bob", "mlflow"));
        awaitOnTheOther(() -> !status(first, a).get("admin").asBoolean(), "the role change at a login on B reaching the session on A");
        assertEquals(403, first.getJson(a.url("/oidc/api/users")).statusCode(), "no admin route any more");
        assertEquals(403, first.getJson(b.url("/oidc/api/users")).statusCode());
    }

    @Test
    void leavingEveryAllowedGroupAtALaterLoginShutsTheOtherSessionsOut() {
        Browser first = signedInAs(a, TestUser.withGroups("carol", "mlflow"));
        assertEquals(200, first.get(b.url("/api/x")).statusCode());
        replicas.op.user(TestUser.withGroups("carol", "marketing"));
        HttpResponse<String> refused = new Browser().defaultHeader("Accept", "text/html").navigate(b.url("/")).last();
        assertEquals(403, refused.statusCode(), "the later login on B is refused");
        awaitOnTheOther(() -> first.get(a.url("/api/x")).statusCode() == 403, "the lost group reaching the session on A");
    }
}
