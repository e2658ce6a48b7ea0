package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.authz.ResourceTypes;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.testing.Poll;
import dev.oidcsso.testing.TestProvider;
import dev.oidcsso.testing.TestUser;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Two replicas of one application signed in at the test provider, each with its own framework,
 * connection pool and caches, sharing one database with the default settings (change-log poll
 * every 250 ms): what the README promises "on other replicas" is checked against this pair.
 * Both listen on 127.0.0.1, so one {@link Browser} sends its cookies to both, as a browser behind
 * a load balancer would.
 */
final class Replicas implements AutoCloseable {

    final TestProvider op;
    final Replica a;
    final Replica b;

    /** One replica: its database pool, its framework and its server. */
    record Replica(Database db, OidcSso sso, HttpServer server, String base) {

        String url(String path) {
            return base + path;
        }

        void stop() {
            server.stop(0);
            sso.close();
            db.close();
        }
    }

    private Replicas(TestProvider op, Replica a, Replica b) {
        this.op = op;
        this.a = a;
        this.b = b;
    }

    /**
     * Starts the provider and two replicas over the database at {@code jdbcUrl}.
     *
     * @param jdbcUrl an empty database
     * @param more further settings by their public names, for both replicas
     * @return the pair; close it to stop everything
     */
    static Replicas start(String jdbcUrl, Map<String, String> more) throws Exception {
        TestProvider op = TestProvider.start();
        Replica a = replica(op, jdbcUrl, more);
        Replica b = replica(op, jdbcUrl, more);
        for (Replica replica : new Replica[] {a, b}) {
            op.registerRedirectUri(replica.url("/callback"));
            op.registerPostLogoutRedirectUri(replica.url("/"));
        }
        return new Replicas(op, a, b);
    }

    private static Replica replica(TestProvider op, String jdbcUrl, Map<String, String> more) throws Exception {
        Database db = Database.open(StoreSettings.forUrl(jdbcUrl));
        OidcSso sso = OidcSso.builder(StoreApps.settings(op, more)).database(db).resourceTypes(ResourceTypes.of("experiment")).build();
        HttpServer server = DemoApps.jdkApp(sso);
        return new Replica(db, sso, server, DemoApps.baseUrl(server));
    }

    /** A new browser signed in on {@code replica} as {@code user}. */
    Browser signedIn(Replica replica, TestUser user) {
        op.user(user);
        return StoreApps.signedIn(replica.base());
    }

    static boolean authenticated(Browser browser, Replica replica) {
        return browser.getJson(replica.url("/auth/status")).body().contains("\"authenticated\":true");
    }

    /**
     * Waits until what one replica did shows on the other. The wait's limit is a safety net (see
     * {@link Poll}); the time it took is printed, so a run shows how fast the change travelled.
     */
    static void awaitOnTheOther(BooleanSupplier condition, String what) {
        long started = System.nanoTime();
        Poll.until(condition, what);
        System.out.printf("%s: %d ms%n", what, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Override
    public void close() {
        a.stop();
        b.stop();
        op.close();
    }
}
