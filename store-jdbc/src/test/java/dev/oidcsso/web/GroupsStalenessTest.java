package dev.oidcsso.web;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API credentials stay fresh ({@code OIDC_GROUPS_MAX_STALENESS}, here 1 h): a personal access token
 * acts with the groups recorded at the user's last sign-in or refresh, a bearer token with those of
 * its issue time, and neither is accepted once they are older than the bound. A user who left every
 * allowed group (and so can no longer sign in) loses API access when the bound passes.
 */
class GroupsStalenessTest {

    static final Duration BOUND = Duration.ofHours(1);

    @TempDir
    Path dataDir;
    final MutableClock clock = MutableClock.atNow();
    TestProvider op;
    Database db;
    StoreApp app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.builder().clock(clock).tokenLifetime(Duration.ofDays(1)).start();
        db = Database.open(StoreSettings.embedded(dataDir), clock);
        app = StoreApp.start(op, db, Map.of("OIDC_GROUPS_MAX_STALENESS", "1h"), b -> b.clock(clock));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    HttpResponse<String> call(String authorization) {
        return new Browser().get(app.base() + "/api/experiments", Map.of("Authorization", authorization, "Accept", "application/json"));
    }

    String personalAccessToken(TestUser user) {
        op.user(user);
        Browser browser = StoreApps.signedIn(app.base());
        HttpResponse<String> created = browser.sendJson("POST", app.base() + "/oidc/api/me/token", null);
        assertTrue(created.statusCode() / 100 == 2, created.body());
        return Browser.basicAuthorization(user.subject(), RestApiTest.json(created).get("token").asText());
    }

    @Test
    void aPersonalAccessTokenNeedsASignInWithinTheBound() {
        String basic = personalAccessToken(TestUser.withGroups("alice", "mlflow"));
        assertEquals(200, call(basic).statusCode());
        clock.advance(BOUND.minusSeconds(1));
        assertEquals(200, call(basic).statusCode(), "within the bound");

        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> stale = call(basic);
        assertEquals(401, stale.statusCode());
        assertTrue(stale.body().contains("OIDC_GROUPS_MAX_STALENESS") && stale.body().contains("Sign in"), stale.body());

        // A sign-in records the groups again, and the same token works.
        StoreApps.signedIn(app.base());
        assertEquals(200, call(basic).statusCode());
    }

    @Test
    void aUserWhoLeftEveryAllowedGroupLosesApiAccessWhenTheBoundPasses() {
        String basic = personalAccessToken(TestUser.withGroups("alice", "mlflow"));
        // Alice leaves every allowed group at the IdP and does not sign in again: nothing tells the application.
        op.user(TestUser.withGroups("alice", "sales"));
        assertEquals(200, call(basic).statusCode(), "the recorded groups hold until the bound");

        clock.advance(BOUND);
        assertEquals(401, call(basic).statusCode());
    }

    @Test
    void aRefusedSignInWithoutAllowedGroupsEndsApiAccessAtOnce() {
        String basic = personalAccessToken(TestUser.withGroups("alice", "mlflow"));
        op.user(TestUser.withGroups("alice", "sales"));
        Browser refused = new Browser();
        refused.defaultHeader("Accept", "text/html");
        assertEquals(403, refused.navigate(app.base() + "/").statusCode(), "the IdP's new groups refuse the sign-in");
        assertEquals(403, call(basic).statusCode(), "the refused sign-in recorded her groups: the token has no allowed group");
    }

    @Test
    void aBearerTokenIsAcceptedOnlyWhileItsGroupsAreYoungerThanTheBound() {
        op.user(TestUser.withGroups("alice", "mlflow"));
        String bearer = "Bearer " + op.accessToken(Map.of());
        assertEquals(200, call(bearer).statusCode());
        clock.advance(BOUND.minusSeconds(1));
        assertEquals(200, call(bearer).statusCode(), "within the bound (verified a second time, and kept)");

        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> stale = call(bearer);
        assertEquals(401, stale.statusCode(), "the token has not expired, but its groups are too old");
        assertTrue(stale.body().contains("OIDC_GROUPS_MAX_STALENESS") && stale.body().contains("new token"), stale.body());
        assertEquals(200, call("Bearer " + op.accessToken(Map.of())).statusCode(), "a new token carries today's groups");
    }

    @Test
    void anOlderBearerTokenNeverPutsBackGroupsTheUserHasLost() {
        op.user(TestUser.withGroups("alice", "mlflow"));
        String oldBearer = "Bearer " + op.accessToken(Map.of());
        String basic = personalAccessToken(TestUser.withGroups("alice", "mlflow"));
        clock.advance(Duration.ofMinutes(1));

        // Alice leaves mlflow; her refused sign-in records that at once.
        op.user(TestUser.withGroups("alice", "sales"));
        Browser refused = new Browser();
        refused.defaultHeader("Accept", "text/html");
        assertEquals(403, refused.navigate(app.base() + "/").statusCode());
        assertEquals(403, call(basic).statusCode());

        // The token from before still stands for its own groups until the bound, but records nothing older.
        clock.advance(Duration.ofMinutes(1));
        call(oldBearer);
        assertEquals(403, call(basic).statusCode(), "the older token's groups were not recorded over the newer ones");
        clock.advance(BOUND);
        assertEquals(401, call(oldBearer).statusCode(), "past the bound the token is refused");
        assertTrue(call(basic).statusCode() / 100 == 4, "and refusing it recorded nothing either");
    }
}
