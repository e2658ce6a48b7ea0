package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.session.SessionRecord;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Cookie;
import dev.oidcsso.testing.MutableClock;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas over one user database, H2 and PostgreSQL: when a session's tokens fall due on both
 * at the same moment, the refresh token is spent once (the IdP rotates it and would refuse a second
 * use, which would end the session), and both replicas go on with the refreshed session.
 */
class ReplicaRefreshTest {

    @TempDir
    Path folder;

    @Test
    void onH2BothReplicasDueAtOnceSpendTheRotatedTokenOnce() throws Exception {
        String url = "jdbc:h2:file:" + folder.resolve("shared").toAbsolutePath();
        bothReplicasDueAtOnceSpendTheRotatedTokenOnce(url);
    }

    @Test
    void onPostgresBothReplicasDueAtOnceSpendTheRotatedTokenOnce() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(folder.resolve("pg"))
                .setPGStartupWait(Duration.ofSeconds(120)).start()) {
            try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
                connection.createStatement().execute("CREATE DATABASE refresh");
            }
            bothReplicasDueAtOnceSpendTheRotatedTokenOnce(postgres.getJdbcUrl("postgres", "refresh"));
        }
    }

    private void bothReplicasDueAtOnceSpendTheRotatedTokenOnce(String url) throws Exception {
        MutableClock clock = MutableClock.atNow();
        List<AutoCloseable> open = new ArrayList<>();
        try (TestProvider op = TestProvider.builder().clock(clock).tokenLifetime(SessionRefreshTest.TOKEN_LIFETIME).start()) {
            String[] bases = new String[2];
            Database first = null;
            for (int i = 0; i < 2; i++) {
                Database db = Database.open(StoreSettings.forUrl(url), clock);
                first = first == null ? db : first;
                OidcSso sso = OidcSso.builder(StoreApps.settings(op, Map.of("OIDC_REFRESH_TOKENS", "true", "OIDC_REFRESH_BEFORE", "60s")))
                        .database(db).clock(clock).resourceTypes(ResourceTypes.of("experiment")).build();
                HttpServer app = DemoApps.jdkApp(sso);
                open.add(db);
                open.add(sso);
                open.add(() -> app.stop(0));
                bases[i] = DemoApps.baseUrl(app);
                op.registerRedirectUri(bases[i] + "/callback");
            }
            op.user(TestUser.withGroups("bob", "mlflow"));
            Browser onA = StoreApps.signedIn(bases[0]);
            Cookie session = onA.cookies().all().stream().filter(c -> c.name().contains("oidc_sso_session")).findFirst().orElseThrow();
            Browser onB = Browser.forPages();
            onB.cookies().put(Cookie.of("127.0.0.1", session.name(), session.value()));
            assertTrue(authenticated(onA, bases[0]) && authenticated(onB, bases[1]));
            Database db = first;

            for (int round = 1; round <= 3; round++) {
                clock.advance(SessionRefreshTest.UNTIL_DUE);
                // Both replicas find the session due by the same request burst.
                CountDownLatch go = new CountDownLatch(1);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<Boolean> a = pool.submit(() -> {
                        go.await();
                        return authenticated(onA, bases[0]);
                    });
                    Future<Boolean> b = pool.submit(() -> {
                        go.await();
                        return authenticated(onB, bases[1]);
                    });
                    go.countDown();
                    assertTrue(a.get() && b.get(), "neither request waits for, or is refused by, the refresh");
                } finally {
                    pool.shutdownNow();
                }
                int expected = round;
                Poll.until(() -> authenticated(onA, bases[0]) && authenticated(onB, bases[1]) && op.refreshRequests().size() == expected
                        && notDue(db, clock), "refresh " + round);
                assertEquals(expected, op.refreshRequests().size(), "one refresh per round across both replicas");
            }
            assertEquals(0, op.refreshTokenReplays(), "no rotated refresh token was presented twice");
            assertTrue(authenticated(onA, bases[0]) && authenticated(onB, bases[1]));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    private static boolean notDue(Database db, MutableClock clock) {
        List<SessionRecord> sessions = db.sessions().activeOf("bob", clock.instant());
        return sessions.size() == 1 && !sessions.get(0).refreshDueAt(clock.instant(), Duration.ofSeconds(60))
                && sessions.get(0).refreshClaimedUntil().isEmpty();
    }

    private static boolean authenticated(Browser browser, String base) {
        return RestApiTest.json(browser.get(base + "/auth/status", Map.of("Accept", "application/json"))).get("authenticated").asBoolean();
    }
}
