package dev.oidcsso.web;

import dev.oidcsso.session.SessionManager;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A login response is accepted once across replicas by the application's own shared record, not
 * only because the IdP spends its code: with a lax IdP that lets a code be redeemed again, the
 * same callback sent to two replicas at once (and again afterwards) gives exactly one session; the
 * other is refused with 400 as a replay, never a 500, and stores nothing. On H2 and PostgreSQL.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
@ExtendWith(TestDatabase.Servers.class)
class CallbackReplayRaceTest {

    private static final int LOGINS = 6;

    @Parameter
    TestDatabase database;
    String url;
    Replicas replicas;

    @BeforeEach
    void start(TestDatabase.Servers servers) throws Exception {
        url = servers.newDatabaseUrl(database);
        replicas = Replicas.start(url, Map.of());
        replicas.op.user(TestUser.alice()).codesReusable(true);
    }

    @AfterEach
    void stop() {
        replicas.close();
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static String location(HttpResponse<String> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + response.body()));
    }

    private static boolean signedIn(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream().anyMatch(c -> c.startsWith(SessionManager.COOKIE + "="));
    }

    @Test
    void oneCallbackSentToTwoReplicasAtOnceSignsInOnceAndTheOtherIsRefusedAsAReplay() throws Exception {
        for (int login = 1; login <= LOGINS; login++) {
            Browser browser = new Browser();
            HttpResponse<String> toIdp = browser.get(replicas.a.url("/login?next=/home"));
            String callbackOnA = location(browser.get(location(toIdp)));
            String callbackOnB = callbackOnA.replace(replicas.a.base(), replicas.b.base());
            Browser copy = new Browser();
            browser.copyCookiesTo(copy);
            Browser kept = new Browser();
            browser.copyCookiesTo(kept);

            CyclicBarrier together = new CyclicBarrier(2);
            CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(() -> {
                await(together);
                return browser.get(callbackOnA);
            });
            CompletableFuture<HttpResponse<String>> onB = CompletableFuture.supplyAsync(() -> {
                await(together);
                return copy.get(callbackOnB);
            });
            List<HttpResponse<String>> answers = List.of(onA.get(), onB.get());

            List<Integer> statuses = new ArrayList<>();
            answers.forEach(answer -> statuses.add(answer.statusCode()));
            assertEquals(1, answers.stream().filter(answer -> answer.statusCode() == 302 && signedIn(answer)).count(),
                    "login " + login + ": exactly one signed in, answers " + statuses);
            HttpResponse<String> refused = answers.stream().filter(answer -> !signedIn(answer)).findFirst().orElseThrow();
            assertEquals(400, refused.statusCode(), "login " + login + ": " + refused.body());
            assertTrue(refused.body().contains("already been used"), refused.body());
            assertEquals(login, count("SELECT COUNT(*) FROM oidc_sessions"), "one session per login");

            // Sent again later, to either replica: still refused, still nothing stored.
            for (String again : List.of(callbackOnA, callbackOnB)) {
                Browser late = new Browser();
                kept.copyCookiesTo(late);
                HttpResponse<String> replayed = late.get(again);
                assertEquals(400, replayed.statusCode(), replayed.body());
                assertTrue(replayed.body().contains("already been used"), replayed.body());
            }
            assertEquals(login, count("SELECT COUNT(*) FROM oidc_sessions"));
        }
        assertEquals(LOGINS, count("SELECT COUNT(*) FROM oidc_used_login_states"));
        assertEquals(1, count("SELECT COUNT(*) FROM oidc_users"));
    }

    @Test
    void aCallbackReplayedOnTheOtherReplicaIsRefusedBeforeTheLaxIdpIsAsked() throws Exception {
        Browser browser = new Browser();
        HttpResponse<String> toIdp = browser.get(replicas.a.url("/login?next=/home"));
        String callbackOnA = location(browser.get(location(toIdp)));
        Browser attacker = new Browser();
        browser.copyCookiesTo(attacker);
        HttpResponse<String> first = browser.get(callbackOnA);
        assertTrue(first.statusCode() == 302 && signedIn(first), first.body());
        int tokenRequests = tokenRequests();

        // Replica B has not seen this login: the shared record refuses it, and the lax IdP is not asked again.
        HttpResponse<String> replayed = attacker.get(callbackOnA.replace(replicas.a.base(), replicas.b.base()));
        assertEquals(400, replayed.statusCode(), replayed.body());
        assertTrue(replayed.body().contains("already been used"), replayed.body());
        assertTrue(!signedIn(replayed) && attacker.cookies().get(SessionManager.COOKIE).isEmpty());
        assertEquals(tokenRequests, tokenRequests(), "no token request for the replay");
        assertEquals(1, count("SELECT COUNT(*) FROM oidc_sessions"));
    }

    private int tokenRequests() {
        return (int) replicas.op.requests().stream().filter(request -> request.path().equals("/token")).count();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
