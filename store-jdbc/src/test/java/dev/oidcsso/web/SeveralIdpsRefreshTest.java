package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refresh tokens with two IdPs: a session refreshes through the IdP it signed in with (its token
 * endpoint, client and group names), and the other IdP is never asked.
 */
class SeveralIdpsRefreshTest {

    @TempDir
    Path dataDir;
    final MutableClock clock = MutableClock.atNow();
    TestProvider staff;
    TestProvider partners;
    Database db;
    OidcSso sso;
    HttpServer app;
    String base;
    final CountDownLatch gate = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        staff = TestProvider.builder().clock(clock).tokenLifetime(SessionRefreshTest.TOKEN_LIFETIME).clientId("staff-app")
                .user(TestUser.alice()).start();
        partners = TestProvider.builder().clock(clock).tokenLifetime(SessionRefreshTest.TOKEN_LIFETIME).clientId("partner-app")
                .user(TestUser.withGroups("pat", "partner-admins")).start();
        db = Database.open(StoreSettings.embedded(dataDir), clock);
        sso = OidcSso.builder(OidcSettings.builder().setAll(Map.of("OIDC_PROVIDERS", "staff,partners",
                        "OIDC_STAFF_DISCOVERY_URL", staff.discoveryUrl().toString(), "OIDC_STAFF_CLIENT_ID", staff.clientId(),
                        "OIDC_STAFF_CLIENT_SECRET", staff.clientSecret(),
                        "OIDC_PARTNERS_DISCOVERY_URL", partners.discoveryUrl().toString(), "OIDC_PARTNERS_CLIENT_ID", partners.clientId(),
                        "OIDC_PARTNERS_CLIENT_SECRET", partners.clientSecret(),
                        "OIDC_PARTNERS_GROUP_NAME", "partners", "OIDC_PARTNERS_ADMIN_GROUP_NAME", "partner-admins"))
                // A long timeout: a held token request stays held until the test lets it go.
                .setAll(Map.of("OIDC_REFRESH_TOKENS", "true", "OIDC_REFRESH_BEFORE", "60s", "OIDC_HTTP_TIMEOUT", "30s"))
                .secretKey(JdkServerLoginTest.KEY).build()).database(db).clock(clock).resourceTypes(ResourceTypes.of("experiment")).build();
        app = DemoApps.jdkApp(sso);
        base = DemoApps.baseUrl(app);
        for (TestProvider op : List.of(staff, partners)) {
            op.registerRedirectUri(base + "/callback").registerPostLogoutRedirectUri(base + "/");
        }
    }

    @AfterEach
    void stop() {
        gate.countDown();
        app.stop(0);
        sso.close();
        db.close();
        staff.close();
        partners.close();
    }

    boolean admin(Browser browser) {
        return browser.getJson(base + "/auth/status").body().contains("\"admin\":true");
    }

    @Test
    void aSessionRefreshesThroughTheIdpItSignedInWith() {
        Browser pat = new Browser().defaultHeader("Accept", "text/html");
        assertEquals("hello pat (admin) via session at /", pat.navigate(base + "/login?idp=partners").body());
        partners.user(TestUser.withGroups("pat", "partners"));

        clock.advance(SessionRefreshTest.UNTIL_DUE);
        Poll.until(() -> !admin(pat), "the partners' refresh bringing the new groups");
        assertTrue(pat.getJson(base + "/auth/status").body().contains("\"authenticated\":true"));
        assertEquals(1, partners.refreshRequests().size());
        assertTrue(staff.refreshRequests().isEmpty(), "the other IdP is never asked");
    }

    @Test
    void anIdpThatHangsDoesNotHoldEveryRefreshThread() {
        List<Browser> patSessions = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Browser pat = new Browser().defaultHeader("Accept", "text/html");
            assertEquals("hello pat (admin) via session at /", pat.navigate(base + "/login?idp=partners").body());
            patSessions.add(pat);
        }
        Browser alice = new Browser().defaultHeader("Accept", "text/html");
        assertEquals("hello alice via session at /", alice.navigate(base + "/login?idp=staff").body());

        partners.holdTokenEndpoint(gate);
        clock.advance(SessionRefreshTest.UNTIL_DUE);
        for (Browser pat : patSessions) {
            pat.getJson(base + "/auth/status"); // each hands its due refresh to the refresh threads
        }
        Poll.until(() -> partners.refreshRequests().size() >= 3, "the partners' refreshes reaching its hanging token endpoint");
        alice.getJson(base + "/auth/status");
        // Four refresh threads: the partners' IdP holds at most three, so the staff's refresh still runs.
        Poll.until(java.time.Duration.ofSeconds(20), () -> staff.refreshRequests().size() == 1,
                "the staff session's refresh while the partners' IdP hangs");
        assertEquals(3, partners.refreshRequests().size(), "the partners' IdP got no more than its share of the threads");
        gate.countDown();
    }
}
