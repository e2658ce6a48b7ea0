package dev.oidcsso.benchmarks;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.demo.DemoServer;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16 point 6 through HTTP: the demo server (Jetty, embedded H2) seeded with the volumes of
 * {@link ListVolumeRun} (20 000 users, 100 000 grants, 2 000 rules over 500 groups, 10 000
 * experiments), a plain user's {@code GET /api/experiments} cold and warm, an administrator's whole
 * list of 10 000 and every page of the admin API's users and grants; then the server's heap and the
 * process's resident memory (server and client share the process, so RSS is an upper bound).
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.ListServeRun [rounds]} (default 5).
 */
public final class ListServeRun {

    private static final Pattern NEXT = Pattern.compile("\"next\"\\s*:\\s*\"([^\"]+)\"");

    private ListServeRun() {
    }

    /**
     * Seeds, serves and prints.
     *
     * @param args optional: rounds of the admin pages
     * @throws Exception on any failure: this is a harness
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dataDir = Files.createTempDirectory("oidc-sso-serve");
        DemoServer server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString())).host("127.0.0.1").port(0).build();
        server.start();
        try {
            try (Connection connection = DriverManager.getConnection(StoreSettings.embedded(dataDir).jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE")) {
                ListVolumeRun.seed(connection);
                seedExperiments(connection);
            }
            URI base = URI.create("http://127.0.0.1:" + server.port());
            LoginLoadRun browser = new LoginLoadRun(base);
            Map<String, String> plain = browser.login(ListVolumeRun.user(7), java.util.List.of("mlflow", ListVolumeRun.group(7)));
            Map<String, String> admin = browser.login("admin", java.util.List.of("mlflow-admin"));
            if (plain == null || admin == null) {
                throw new IllegalStateException("could not sign in: " + browser.errorSamples());
            }
            ListVolumeRun.memory("after seeding and signing in");
            for (int i = 1; i <= 6; i++) {
                timed(browser, plain, base.resolve("/api/experiments"), "plain user's GET /api/experiments #" + i + (i == 1 ? " (cold)" : ""));
            }
            for (int round = 1; round <= rounds; round++) {
                timed(browser, admin, base.resolve("/api/experiments"), "admin's GET /api/experiments (all 10 000) #" + round);
                pages(browser, admin, base, "/oidc/api/users?limit=1000", "admin API: every page of users (1 000 each)");
                pages(browser, admin, base, "/oidc/api/grants?limit=1000", "admin API: every page of grants (1 000 each)");
            }
            ListVolumeRun.memory("after serving the lists");
            System.out.printf(Locale.ROOT, "errors %d%n", browser.errors());
        } finally {
            server.stop();
            TempDirectories.delete(dataDir);
        }
    }

    private static String timed(LoginLoadRun browser, Map<String, String> cookies, URI uri, String what) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = browser.send(LoginLoadRun.get(uri, cookies), cookies);
        long took = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        System.out.printf(Locale.ROOT, "%-62s %8.1f ms, %9d bytes%n", what, took / 1e6, response.body().length());
        return response.body();
    }

    private static void pages(LoginLoadRun browser, Map<String, String> cookies, URI base, String first, String what) throws Exception {
        long start = System.nanoTime();
        long[] largest = {0};
        int count = 0;
        URI next = base.resolve(first);
        while (next != null) {
            HttpResponse<String> response = browser.send(LoginLoadRun.get(next, cookies), cookies);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(next + " answered " + response.statusCode());
            }
            count++;
            largest[0] = Math.max(largest[0], response.body().length());
            Matcher link = NEXT.matcher(response.body());
            next = link.find() ? next.resolve(link.group(1).replace("\\u0026", "&")) : null;
        }
        System.out.printf(Locale.ROOT, "%-62s %8.1f ms, %d pages, largest %d bytes%n", what, (System.nanoTime() - start) / 1e6, count,
                Arrays.stream(largest).max().orElse(0));
    }

    private static void seedExperiments(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        long now = System.currentTimeMillis();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO demo_experiment (name, description, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < ListVolumeRun.RESOURCES; i++) {
                insert.setString(1, ListVolumeRun.resource(i));
                insert.setString(2, "Experiment " + i);
                insert.setString(3, ListVolumeRun.user(i % ListVolumeRun.USERS));
                insert.setLong(4, now);
                insert.setLong(5, now);
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        connection.commit();
    }
}
