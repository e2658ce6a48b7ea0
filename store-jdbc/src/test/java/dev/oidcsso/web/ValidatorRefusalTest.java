package dev.oidcsso.web;

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
import java.util.Map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.oidcsso.testing.Poll;

/**
 * A user the identity validator now refuses (here {@code claim-equals department=engineering}, and she
 * moved to sales) loses access everywhere, not only at the refused sign-in: the refusal records her
 * with no groups, as a refusal for lost groups does, so her personal access token and her other
 * browser session are refused too.
 */
class ValidatorRefusalTest {

    @TempDir
    Path dataDir;
    TestProvider op;
    Database db;
    StoreApp app;

    @BeforeEach
    void start() throws Exception {
        op = TestProvider.builder().user(TestUser.withGroups("alice", "mlflow").withClaim("department", "engineering")).start();
        db = Database.open(StoreSettings.embedded(dataDir));
        app = StoreApp.start(op, db, Map.of("OIDC_IDENTITY_VALIDATOR", "claim-equals",
                "OIDC_IDENTITY_VALIDATOR_CLAIM", "department", "OIDC_IDENTITY_VALIDATOR_VALUE", "engineering"), b -> b);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void aValidatorRefusalAtSignInReachesTheUsersTokenAndOtherSessions() {
        Browser laptop = StoreApps.signedIn(app.base());
        HttpResponse<String> created = laptop.sendJson("POST", app.base() + "/oidc/api/me/token", null);
        assertTrue(created.statusCode() / 100 == 2, created.body());
        String basic = Browser.basicAuthorization("alice", RestApiTest.json(created).get("token").asText());
        assertEquals(200, new Browser().get(app.base() + "/api/experiments", Map.of("Authorization", basic, "Accept", "application/json"))
                .statusCode());

        op.user(TestUser.withGroups("alice", "mlflow").withClaim("department", "sales"));
        Browser.Navigation refused = new Browser().defaultHeader("Accept", "text/html").navigate(app.base() + "/");
        assertEquals(403, refused.statusCode(), "the validator refuses her now: " + refused.body());

        Poll.until(() -> new Browser().get(app.base() + "/api/experiments", Map.of("Authorization", basic, "Accept", "application/json"))
                .statusCode() == 403, "the personal access token refused");
        Poll.until(() -> laptop.getJson(app.base() + "/api/experiments").statusCode() == 403, "the other session refused");
        assertTrue(db.users().find("alice").orElseThrow().groups().isEmpty(), "recorded with no groups");

        // Back in engineering, a sign-in records her groups again and the token works again.
        op.user(TestUser.withGroups("alice", "mlflow").withClaim("department", "engineering"));
        StoreApps.signedIn(app.base());
        Poll.until(() -> new Browser().get(app.base() + "/api/experiments", Map.of("Authorization", basic, "Accept", "application/json"))
                .statusCode() == 200, "the token usable again");
    }

    @Test
    void aRefusedNameNeverSeenBeforeIsNotRecorded() {
        op.user(TestUser.withGroups("carol", "mlflow").withClaim("department", "sales"));
        assertEquals(403, new Browser().defaultHeader("Accept", "text/html").navigate(app.base() + "/").statusCode());
        assertTrue(db.users().find("carol").isEmpty(), "a refused login records no one");
    }
}
