package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.testing.TestProvider;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One application of a store-backed route test: an {@link OidcSso} over a database, served by the
 * JDK's HTTP server and registered at a test provider. Closing it stops the server and the
 * application and closes the database and the provider, in that order, so a test's set-up and
 * tear-down are one line each.
 */
final class StoreApp implements AutoCloseable {

    private final TestProvider op;
    private final Database db;
    private final UnaryOperator<OidcSso.Builder> options;
    private OidcSso sso;
    private HttpServer server;

    private StoreApp(TestProvider op, Database db, UnaryOperator<OidcSso.Builder> options) {
        this.op = op;
        this.db = db;
        this.options = options;
    }

    /**
     * Starts an application registered at {@code op}, storing in {@code db}.
     *
     * @param op the provider; closed with the application
     * @param db the database; closed with the application
     * @param settings further settings by their public names
     * @param options what else the test sets on the builder (a clock, resource types)
     * @return the running application
     */
    static StoreApp start(TestProvider op, Database db, Map<String, String> settings, UnaryOperator<OidcSso.Builder> options) {
        StoreApp app = new StoreApp(op, db, options);
        app.serve(settings);
        return app;
    }

    /**
     * Stops the application and starts it again over the same database with other settings, as an
     * operator restarting with a changed configuration. The address changes.
     *
     * @param settings the new further settings by their public names
     */
    void restart(Map<String, String> settings) {
        stopApplication();
        serve(settings);
    }

    /** @return the application's root URL */
    String base() {
        return DemoApps.baseUrl(server);
    }

    private void serve(Map<String, String> settings) {
        sso = options.apply(OidcSso.builder(StoreApps.settings(op, settings)).database(db)).build();
        try {
            server = DemoApps.jdkApp(sso);
        } catch (RuntimeException | java.io.IOException e) {
            sso.close();
            throw new IllegalStateException("the test application did not start", e);
        }
        op.registerRedirectUri(base() + "/callback");
    }

    private void stopApplication() {
        server.stop(0);
        sso.close();
    }

    @Override
    public void close() {
        stopApplication();
        db.close();
        op.close();
    }
}
