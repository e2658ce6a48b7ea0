package dev.oidcsso.benchmarks;

import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.demo.DemoServer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 16 point 6: the embedded H2 file under a steady login load. The demo server (Jetty,
 * embedded H2) and its development IdP on 127.0.0.1; browsers sign in as users drawn from a fixed
 * pool at a paced rate, check {@code /auth/status}, and sign out (a share of them) through the
 * sign-out page's form. Every half minute it prints the database file's size and the rows of the
 * tables that could grow (sessions, used login states, the change log, users), and H2's own view of
 * its store (how full the file and its chunks are, the chunk count, the bytes written so far), so the
 * curve shows whether the file follows the live data or the number of logins.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.SoakRun [minutes] [logins/s] [users] [sign-out share] [session max age] [H2 retention ms]}
 * (defaults 60, 100, 1 000, 0.5, PT10M, H2's own 45 000). Sessions that are not signed out end at the max age; with
 * the default 8 h lifetime the sessions table would hold every session started in the last 8 hours.
 */
public final class SoakRun {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf_token\" value=\"([^\"]+)\"");

    private SoakRun() {
    }

    /**
     * Runs the soak and prints the curve.
     *
     * @param args optional: minutes, logins per second, users, sign-out share, session max age
     * @throws Exception if the servers cannot start
     */
    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        double rate = args.length > 1 ? Double.parseDouble(args[1]) : 100;
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        double signOutShare = args.length > 3 ? Double.parseDouble(args[3]) : 0.5;
        String maxAge = args.length > 4 ? args[4] : "PT10M";
        // H2's RETENTION_TIME (ms, default 45 000): for trying how long dead chunks are kept before reuse.
        String retention = args.length > 5 ? args[5] : "";
        Path dataDir = Files.createTempDirectory("oidc-sso-soak");
        DemoServer server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString(), "OIDC_SESSION_MAX_AGE", maxAge))
                .host("127.0.0.1").port(0).build();
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            LoginLoadRun browser = new LoginLoadRun(base);
            browser.warmUp(50);
            System.out.printf(Locale.ROOT, "soak: %.1f min at %.0f logins/s over %d users, %.0f %% signed out, sessions end after %s%n",
                    minutes, rate, users, signOutShare * 100, maxAge);
            System.out.println("minute  logins  signouts  errors  file MB  sessions  ended  login-states  change-log  users  MB in sessions/states/log/users  H2 store");
            if (!retention.isEmpty()) {
                try (Connection connection = DriverManager.getConnection(StoreSettings.embedded(dataDir).jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE")) {
                    connection.createStatement().execute("SET RETENTION_TIME " + Integer.parseInt(retention));
                }
                System.out.println("RETENTION_TIME " + retention + " ms");
            }
            soak(browser, base, dataDir, Duration.ofMillis((long) (minutes * 60_000)), rate, users, signOutShare);
            System.out.printf(Locale.ROOT, "errors %d, mix-ups %d%n", browser.errors(), browser.mixUps());
            ListVolumeRun.memory("at the end of the soak");
            browser.errorSamples().forEach(sample -> System.out.println("  e.g. " + sample));
        } finally {
            server.stop();
            System.out.printf(Locale.ROOT, "file after the server stopped (H2 compacts at close): %.1f MB%n", size(dataDir) / 1e6);
            TempDirectories.delete(dataDir);
        }
    }

    private static void soak(LoginLoadRun browser, URI base, Path dataDir, Duration length, double rate, int users, double signOutShare)
            throws Exception {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long interval = (long) (1e9 / rate);
        AtomicLong slot = new AtomicLong();
        AtomicLong logins = new AtomicLong();
        AtomicLong signOuts = new AtomicLong();
        // Enough browsers that the rate is reached while each waits for its login's round trips.
        int threads = Math.max(4, (int) Math.ceil(rate / 20));
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    while (true) {
                        long at = start + slot.getAndIncrement() * interval;
                        // A machine too busy for the rate falls behind its slots; the length still holds.
                        if (at >= end || System.nanoTime() >= end) {
                            return;
                        }
                        LockSupport.parkNanos(at - System.nanoTime());
                        String user = "soak" + ThreadLocalRandom.current().nextInt(users);
                        Map<String, String> cookies = browser.login(user);
                        if (cookies != null) {
                            logins.incrementAndGet();
                            if (ThreadLocalRandom.current().nextDouble() < signOutShare && signOut(browser, base, user, cookies)) {
                                signOuts.incrementAndGet();
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "soak-browser-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        String url = StoreSettings.embedded(dataDir).jdbcUrl() + ";DB_CLOSE_ON_EXIT=FALSE";
        long nextSample = start;
        while (!done.await(Math.max(1, nextSample - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            if (System.nanoTime() >= nextSample) {
                sample(url, dataDir, (System.nanoTime() - start) / 60e9, logins.get(), signOuts.get(), browser.errors());
                nextSample += 30_000_000_000L;
            }
        }
        sample(url, dataDir, (System.nanoTime() - start) / 60e9, logins.get(), signOuts.get(), browser.errors());
    }

    private static void sample(String url, Path dataDir, double minute, long logins, long signOuts, int errors) {
        List<String> counts = new ArrayList<>();
        // A second connection to the server's own embedded database (same process, same file).
        try (Connection connection = DriverManager.getConnection(url)) {
            for (String sql : List.of("SELECT COUNT(*) FROM oidc_sessions", "SELECT COUNT(*) FROM oidc_sessions WHERE ended_at IS NOT NULL",
                    "SELECT COUNT(*) FROM oidc_used_login_states", "SELECT COUNT(*) FROM oidc_change_log", "SELECT COUNT(*) FROM oidc_users")) {
                try (ResultSet row = connection.createStatement().executeQuery(sql)) {
                    row.next();
                    counts.add(Long.toString(row.getLong(1)));
                }
            }
            // H2's own count of the bytes each table (with its indexes) occupies: what is live, by table.
            StringBuilder tables = new StringBuilder();
            for (String table : List.of("oidc_sessions", "oidc_used_login_states", "oidc_change_log", "oidc_users")) {
                try (ResultSet row = connection.createStatement().executeQuery("CALL DISK_SPACE_USED('" + table + "')")) {
                    row.next();
                    tables.append(String.format(Locale.ROOT, "%s%.1f", tables.isEmpty() ? "" : "/", row.getLong(1) / 1e6));
                }
            }
            counts.add(tables.toString());
            // The MVStore's own view: how full the file and its chunks are, how many chunks, the oldest version kept.
            StringBuilder store = new StringBuilder();
            try (ResultSet row = connection.createStatement().executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                    + "WHERE SETTING_NAME IN ('info.FILL_RATE', 'info.CHUNKS_FILL_RATE', 'info.CHUNK_COUNT', 'info.PAGE_COUNT_LIVE', "
                    + "'info.FILE_WRITE_BYTES', 'info.CACHE_SIZE') ORDER BY SETTING_NAME")) {
                while (row.next()) {
                    store.append(' ').append(row.getString(1).substring("info.".length()).toLowerCase(Locale.ROOT)).append('=')
                            .append(row.getString(2));
                }
            }
            counts.add(store.toString().trim());
        } catch (SQLException e) {
            counts.add("(" + e.getMessage() + ")");
        }
        System.out.printf(Locale.ROOT, "%6.1f  %6d  %8d  %6d  %7.1f  %s%n", minute, logins, signOuts, errors, size(dataDir) / 1e6,
                String.join("  ", counts));
    }

    /** Signs out through the page's form, as a browser does; true when the session is gone afterwards. */
    private static boolean signOut(LoginLoadRun browser, URI base, String user, Map<String, String> cookies) {
        try {
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(base.resolve("/logout")).header("Accept", "text/html")
                    .header("Cookie", cookieHeader(cookies)).GET().build(), cookies);
            Matcher token = CSRF.matcher(page.body());
            if (page.statusCode() != 200 || !token.find()) {
                browser.error(user + ": the sign-out page answered " + page.statusCode() + " without its form");
                return false;
            }
            HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(base.resolve("/logout"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base.toString())
                    .header("Cookie", cookieHeader(cookies))
                    .POST(HttpRequest.BodyPublishers.ofString("csrf_token=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8)))
                    .build(), cookies);
            if (posted.statusCode() / 100 != 3 && posted.statusCode() != 200) {
                browser.error(user + ": signing out answered " + posted.statusCode());
                return false;
            }
            HttpResponse<String> status = browser.send(LoginLoadRun.get(base.resolve("/auth/status"), cookies), cookies);
            if (status.body().contains("\"authenticated\":true")) {
                browser.error(user + ": still signed in after signing out");
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            browser.error(user + ": signing out: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String cookieHeader(Map<String, String> cookies) {
        return String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static long size(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
        }
    }
}
