package dev.oidcsso.benchmarks;

import dev.oidcsso.demo.DemoServer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The login load run: the demo server (Jetty, embedded H2) with its in-process development IdP
 * (mock-oauth2-server), both on 127.0.0.1, and N threads of simulated browsers, each login a
 * distinct user with a fresh cookie jar: {@code /login} → the IdP's sign-in form (posted as that
 * user) → {@code /callback} → {@code /auth/status}.
 *
 * <p>The mix-up detector: every browser checks that {@code /auth/status} names its own user right
 * after its login, and again later for one of its earlier sessions picked at random while other
 * logins run; any other name counts as a mix-up. Bounded by a number of logins and a time limit,
 * loopback only; it stops the servers and removes its data folder when done.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.LoginLoadRun [threads] [logins] [seconds]}
 * (defaults 8, 20 000, 60).
 */
public final class LoginLoadRun {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http;
    private final AtomicInteger nextUser = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger rechecks = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger mixUps = new AtomicInteger();
    private final AtomicLong firstError = new AtomicLong(-1);
    private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();

    LoginLoadRun(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT).build();
    }

    /**
     * Runs the load and prints its figures.
     *
     * @param args optional: threads, logins, seconds
     * @throws Exception if the servers cannot start
     */
    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int maxLogins = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        Path dataDir = Files.createTempDirectory("oidc-sso-load");
        DemoServer server = DemoServer.builder().environment(Map.of("OIDC_DATA_DIR", dataDir.toString()))
                .host("127.0.0.1").port(0).build();
        server.start();
        try {
            LoginLoadRun run = new LoginLoadRun(URI.create("http://127.0.0.1:" + server.port()));
            run.warmUp(Math.min(200, maxLogins / 10));
            run.run(threads, maxLogins, Duration.ofSeconds(seconds));
        } finally {
            server.stop();
            TempDirectories.delete(dataDir);
        }
    }

    void warmUp(int count) {
        for (int k = 0; k < count; k++) {
            login("warmup" + k);
        }
        logins.set(0);
        rechecks.set(0);
        errors.set(0);
        mixUps.set(0);
        latencies.clear();
        errorSamples.clear();
    }

    private void run(int threads, int maxLogins, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    browse(maxLogins, deadline);
                } finally {
                    done.countDown();
                }
            }, "browser-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(pair -> pair[0]).sorted().toArray();
        System.out.printf(Locale.ROOT, "login load run: %d threads, %d distinct users, %.1f s%n", threads, logins.get(), elapsed);
        System.out.printf(Locale.ROOT, "  logins/s sustained   %.0f%n", logins.get() / elapsed);
        System.out.printf(Locale.ROOT, "  login p50 / p99      %.1f ms / %.1f ms  (login → IdP form → callback → /auth/status)%n",
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6);
        System.out.printf(Locale.ROOT, "  rechecks of earlier sessions %d%n", rechecks.get());
        System.out.printf(Locale.ROOT, "  errors               %d%n", errors.get());
        System.out.printf(Locale.ROOT, "  mix-ups              %d%n", mixUps.get());
        errorSamples.stream().limit(5).forEach(sample -> System.out.println("  e.g. " + sample));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** One browser thread: logins as new users until the count or the time is used up. */
    private void browse(int maxLogins, long deadline) {
        List<Map.Entry<String, Map<String, String>>> earlier = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            int number = nextUser.getAndIncrement();
            if (number >= maxLogins) {
                return;
            }
            String user = "user" + number;
            Map<String, String> cookies = login(user);
            if (cookies != null) {
                earlier.add(Map.entry(user, cookies));
                if (earlier.size() > 8) {
                    earlier.remove(0);
                }
            }
            if (!earlier.isEmpty()) {
                var old = earlier.get(ThreadLocalRandom.current().nextInt(earlier.size()));
                rechecks.incrementAndGet();
                checkStatus(old.getKey(), old.getValue());
            }
        }
    }

    /** A whole login as {@code user} in a fresh cookie jar; its cookies, or null after an error. */
    Map<String, String> login(String user) {
        return login(user, List.of("mlflow"));
    }

    /** A whole login as {@code user} with these groups from the IdP; its cookies, or null after an error. */
    Map<String, String> login(String user, List<String> groups) {
        Map<String, String> cookies = new LinkedHashMap<>();
        long start = System.nanoTime();
        try {
            HttpResponse<String> toIdp = send(get(base.resolve("/login?next=/auth/status"), cookies), cookies);
            URI authorize = redirect(toIdp, "/login");
            String form = "username=" + encode(user) + "&claims=" + encode("{\"groups\":[\"" + String.join("\",\"", groups) + "\"]}");
            HttpResponse<String> fromIdp = http.send(HttpRequest.newBuilder(authorize).timeout(TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            URI callback = redirect(fromIdp, "the IdP's sign-in");
            HttpResponse<String> afterCallback = send(get(callback, cookies), cookies);
            redirect(afterCallback, "/callback");
            if (!checkStatus(user, cookies)) {
                return null;
            }
            latencies.add(new long[] {System.nanoTime() - start});
            logins.incrementAndGet();
            return cookies;
        } catch (IOException | RuntimeException e) {
            error(user + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The mix-up detector: /auth/status must name this browser's own user. */
    private boolean checkStatus(String user, Map<String, String> cookies) {
        try {
            HttpResponse<String> status = send(get(base.resolve("/auth/status"), cookies), cookies);
            if (status.statusCode() != 200) {
                error(user + ": /auth/status answered " + status.statusCode());
                return false;
            }
            String body = status.body();
            if (!body.contains("\"authenticated\":true")) {
                error(user + ": not signed in after the login: " + body);
                return false;
            }
            if (!body.contains("\"username\":\"" + user + "\"")) {
                mixUps.incrementAndGet();
                error(user + " sees another user: " + body);
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            error(user + ": " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return errors so far (failed logins and checks, mix-ups included) */
    int errors() {
        return errors.get();
    }

    /** @return mix-ups so far */
    int mixUps() {
        return mixUps.get();
    }

    /** @return up to five error descriptions */
    List<String> errorSamples() {
        return List.copyOf(errorSamples);
    }

    void error(String sample) {
        errors.incrementAndGet();
        firstError.compareAndSet(-1, System.nanoTime());
        if (errorSamples.size() < 5) {
            errorSamples.add(sample);
        }
    }

    static HttpRequest get(URI uri, Map<String, String> cookies) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json");
        if (!cookies.isEmpty()) {
            request.header("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        return request.GET().build();
    }

    HttpResponse<String> send(HttpRequest request, Map<String, String> cookies) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String name = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                boolean expired = Arrays.stream(header.split(";")).map(String::trim)
                        .anyMatch(attribute -> attribute.equalsIgnoreCase("Max-Age=0"));
                if (expired || value.isEmpty()) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
        }
        return response;
    }

    private static URI redirect(HttpResponse<String> response, String step) {
        if (response.statusCode() / 100 != 3) {
            throw new IllegalStateException(step + " answered " + response.statusCode() + " instead of a redirect");
        }
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException(step + " redirected without a Location"));
        return response.uri().resolve(location);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
