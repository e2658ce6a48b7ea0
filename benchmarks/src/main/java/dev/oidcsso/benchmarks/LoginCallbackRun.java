package dev.oidcsso.benchmarks;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.StoreSettings;
import dev.oidcsso.http.QueryString;
import dev.oidcsso.http.WebRequest;
import dev.oidcsso.http.WebResponse;
import dev.oidcsso.store.jdbc.Database;
import dev.oidcsso.web.OidcSso;
import dev.oidcsso.web.Outcome;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application's CPU time for one login callback, apart from the IdP's answer: the whole
 * {@code GET /callback} through {@link OidcSso#process} (login state cookie, replay guard, the code
 * redemption over HTTP, the ID token's signature and claims, identity and role, the user's record
 * and the session in the embedded H2 store).
 *
 * <p>What is counted, and what is not, so the figure is fair in both directions:
 * <ul>
 *   <li>counted: the calling thread's CPU clock over the callbacks, which holds everything the
 *       application does for them on the request thread, its HTTP client's work for the token
 *       request included (it runs on the calling thread);</li>
 *   <li>counted too, and printed apart: the CPU of the application's other threads over the same
 *       window (the embedded database's background writer, the change poller, the connection
 *       pool's housekeeper), work the logins cause off the request thread;</li>
 *   <li>not counted: the IdP, an HTTP server in this JVM whose token endpoint answers from
 *       responses signed before the timing starts, on its own named threads; the browser's part
 *       (starting each login with {@code /login}, reading the answer), done before or after the
 *       timed window; the wait for the IdP's answer (a thread waiting on a socket uses no CPU); and
 *       the JVM's own threads (garbage collector, JIT compilers), which are not Java threads.</li>
 * </ul>
 *
 * <p>Beside it, in the same run, the floor: the JDK's RSA-2048 verify of one ID token, the one
 * cryptographic check a callback cannot skip.
 *
 * <p>With {@code postgres}, the store is an embedded PostgreSQL server instead: its own processes'
 * CPU is then outside the figure (as the IdP's is), only the JDBC driver's work is in it.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.oidcsso.benchmarks.LoginCallbackRun [logins per round] [rounds] [warm-up rounds] [h2|postgres] [IdP answer delay, ms] [callbacks at once]}
 */
public final class LoginCallbackRun {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String CLIENT = "callback-bench";
    private static final int USERS = 100;
    /** The name prefix of the threads that run the callbacks; their CPU is the figure, not "other threads". */
    private static final String BROWSER_THREAD = "callback-browser-";

    private LoginCallbackRun() {
    }

    /**
     * Runs the rounds and prints the CPU time per callback beside the floor.
     *
     * @param args logins per round (default 300), rounds (default 8), warm-up rounds before them (default 30),
     *             the store: {@code h2} (default, embedded) or {@code postgres} (an embedded PostgreSQL server),
     *             how long the IdP's token endpoint waits before it answers, in milliseconds (default 0),
     *             how many callbacks run at once, each on its own thread (default 1)
     * @throws Exception if the set-up fails
     */
    public static void main(String[] args) throws Exception {
        int perRound = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        // 30 rounds: after 6 (about 2 000 logins) the C2 compiler still took half of the process's CPU samples during
        // the measured rounds, and the figure was then up to half again higher than at steady state.
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        boolean postgres = args.length > 3 && args[3].equals("postgres");
        long idpMillis = args.length > 4 ? Long.parseLong(args[4]) : 0;
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        Path dir = Files.createTempDirectory("oidc-sso-callback");
        AtomicInteger browserCount = new AtomicInteger();
        ExecutorService browsers = Executors.newFixedThreadPool(threads, runnable -> new Thread(runnable, BROWSER_THREAD + browserCount.incrementAndGet()));
        try (Idp idp = new Idp(idpMillis, threads); AutoCloseable server = postgres ? EmbeddedPostgres.builder()
                .setPGStartupWait(java.time.Duration.ofSeconds(120)).start() : () -> { }) {
            Database database = Database.open(server instanceof EmbeddedPostgres pg
                    ? StoreSettings.forUrl(pg.getJdbcUrl("postgres", "postgres")) : StoreSettings.embedded(dir));
            OidcSso sso = OidcSso.builder(OidcSettings.builder().discoveryUrl(idp.issuer + "/.well-known/openid-configuration")
                    .client(CLIENT, "callback-bench-secret").secretKey("callback-bench-secret-key-callback-bench-key").build())
                    .database(database).build();
            try {
                StubIdp.awaitDiscovery(sso);
                List<Double> callbacks = new ArrayList<>();
                List<Double> floors = new ArrayList<>();
                List<Double> background = new ArrayList<>();
                int user = 0;
                // Warm-up rounds until the JIT has compiled the path: on a loaded machine its compiler threads lag,
                // and a round still partly interpreted would charge the application for the JVM's warm-up.
                for (int round = -warmUp; round < rounds; round++) {
                    List<Request> pending = new ArrayList<>();
                    for (int k = 0; k < perRound; k++) {
                        pending.add(idp.started(sso, "user-" + (user++ % USERS)));
                    }
                    Map<Long, Long> othersBefore = otherThreadsCpu(idp);
                    double callback = callbacks(sso, pending, browsers, threads) / 1_000.0 / perRound;
                    double others = cpuSince(othersBefore, otherThreadsCpu(idp)) / 1_000.0 / perRound;
                    double floor = idp.floor(perRound);
                    if (round >= 0) {
                        callbacks.add(callback);
                        floors.add(floor);
                        background.add(others);
                        System.out.printf(Locale.ROOT, "round %d: callback %7.1f us CPU on the request thread, %5.1f us on other "
                                + "application threads; RSA verify %5.1f us%n", round + 1, callback, others, floor);
                    }
                }
                System.out.printf(Locale.ROOT, "%n%s: login callback, app CPU per callback on the request thread (%d at once; median of %d rounds "
                        + "of %d): %.0f us (range %.0f-%.0f), plus %.0f us on the application's other threads; floor, JDK RSA-2048 "
                        + "verify of an ID token: %.1f us%n", postgres ? "PostgreSQL" : "H2", threads, rounds, perRound, median(callbacks),
                        min(callbacks), max(callbacks), median(background), median(floors));
            } finally {
                sso.close();
                database.close();
            }
        } finally {
            browsers.shutdownNow();
            TempDirectories.delete(dir);
        }
    }

    /**
     * Runs the callbacks on {@code threads} browser threads at once, each its share in turn, and
     * returns the CPU nanoseconds those threads spent on them. Several at once keep the CPU busy with
     * logins while each one waits for the IdP, as a server under login load is; one alone leaves it
     * idle (or to other processes) during each wait, and the next callback starts on cold caches.
     */
    private static long callbacks(OidcSso sso, List<Request> pending, ExecutorService browsers, int threads) throws Exception {
        List<Future<Long>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Request> share = pending.subList(pending.size() * t / threads, pending.size() * (t + 1) / threads);
            shares.add(browsers.submit(() -> {
                long start = THREADS.getCurrentThreadCpuTime();
                for (Request callback : share) {
                    Outcome outcome = sso.process(callback);
                    if (!(outcome instanceof Outcome.Respond respond) || respond.response().status() != 302
                            || respond.response().headers().getOrDefault("Set-Cookie", List.of()).stream()
                            .noneMatch(c -> c.startsWith("oidc_sso_session="))) {
                        throw new IllegalStateException("the callback did not sign in: " + describe(outcome));
                    }
                }
                return THREADS.getCurrentThreadCpuTime() - start;
            }));
        }
        long cpu = 0;
        for (Future<Long> share : shares) {
            cpu += share.get();
        }
        return cpu;
    }

    /** CPU nanoseconds so far of every live Java thread but the caller's and the IdP's, by thread id. */
    private static Map<Long, Long> otherThreadsCpu(Idp idp) {
        Map<Long, Long> cpu = new java.util.HashMap<>();
        long self = Thread.currentThread().getId();
        for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            // A flight recording's own threads (when profiling this run) are not the application's either.
            if (info != null && info.getThreadId() != self && !idp.owns(info.getThreadName()) && !info.getThreadName().startsWith("JFR ")
                    && !info.getThreadName().startsWith(BROWSER_THREAD)) {
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    /** The CPU the threads used between two readings; a thread started in between counts from zero. */
    private static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
        long sum = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            sum += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
        }
        return sum;
    }

    private static String describe(Outcome outcome) {
        return outcome instanceof Outcome.Respond respond ? respond.response().status() + " " + respond.response().bodyText() : "proceed";
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** A browser's request: method GET, a path with a query, and the cookies it holds. */
    private record Request(String path, Map<String, String> query, String cookieHeader) implements WebRequest {

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public Map<String, String> queryParameters() {
            return query;
        }

        @Override
        public Optional<String> header(String name) {
            return name.equalsIgnoreCase("Cookie") && !cookieHeader.isEmpty() ? Optional.of(cookieHeader) : Optional.empty();
        }

        @Override
        public Optional<String> cookie(String name) {
            return cookies(name).stream().findFirst();
        }

        @Override
        public String remoteAddress() {
            return "127.0.0.1";
        }

        @Override
        public URI baseUri() {
            return URI.create("http://127.0.0.1:8080");
        }
    }

    /**
     * The stub IdP: discovery, keys, and a token endpoint answering each code with a response made
     * before the timing starts.
     */
    private static final class Idp implements AutoCloseable {

        /** The name prefix of the IdP's worker threads; the JDK's server names its own {@code HTTP-Dispatcher} and {@code idle-timeout-task}. */
        private static final String IDP_THREAD = "stub-idp-";

        private final HttpServer server;
        private final String issuer;
        private final RSAKey key;
        private final Map<String, byte[]> responses = new ConcurrentHashMap<>();
        private final Signature rsa;
        private final RSAPublicKey publicKey;
        private byte[] signingInput;
        private byte[] signature;
        private int codes;

        /** How long the token endpoint waits before it answers, as a remote IdP's round trip would. */
        private final long answerMillis;

        Idp(long answerMillis, int concurrent) throws Exception {
            this.answerMillis = answerMillis;
            key = new RSAKeyGenerator(2048).keyID("k1").generate();
            publicKey = key.toRSAPublicKey();
            rsa = Signature.getInstance("SHA256withRSA");
            server = StubIdp.loopback(64);
            AtomicInteger workers = new AtomicInteger();
            server.setExecutor(Executors.newFixedThreadPool(Math.max(2, concurrent), runnable -> new Thread(runnable, IDP_THREAD + workers.incrementAndGet())));
            issuer = StubIdp.publish(server, key);
            server.createContext("/token", exchange -> {
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                byte[] body = responses.remove(QueryString.parse(form).getOrDefault("code", ""));
                if (answerMillis > 0) {
                    try {
                        Thread.sleep(answerMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (body == null) {
                    exchange.sendResponseHeaders(400, -1);
                    exchange.close();
                    return;
                }
                StubIdp.sendJson(exchange, body);
            });
            server.start();
        }

        /** Whether a thread is one of the IdP's: its work is not the application's. */
        boolean owns(String threadName) {
            return threadName.startsWith(IDP_THREAD) || threadName.equals("HTTP-Dispatcher") || threadName.equals("idle-timeout-task");
        }

        /** Starts a login as a browser would, signs the IdP's answer for it, and returns the callback request. */
        Request started(OidcSso sso, String user) throws Exception {
            Outcome outcome = sso.process(new Request("/login", Map.of("next", "/"), ""));
            WebResponse response = ((Outcome.Respond) outcome).response();
            URI authorize = URI.create(response.headers().get("Location").get(0));
            Map<String, String> query = QueryString.parse(authorize.getRawQuery());
            String cookie = response.headers().get("Set-Cookie").get(0);
            cookie = cookie.substring(0, cookie.indexOf(';'));
            String code = "code-" + (++codes);
            long now = System.currentTimeMillis();
            SignedJWT idToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                    .issuer(issuer).subject("sub-" + user).audience(CLIENT).claim("preferred_username", user)
                    .claim("email", user + "@example.com").claim("name", user).claim("groups", List.of("mlflow"))
                    .claim("nonce", query.get("nonce")).issueTime(new Date(now)).expirationTime(new Date(now + 300_000)).build());
            idToken.sign(new RSASSASigner(key));
            String serialized = idToken.serialize();
            String[] parts = serialized.split("\\.");
            signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            signature = new Base64URL(parts[2]).decode();
            responses.put(code, ("{\"access_token\":\"at-" + code + "\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
                    + serialized + "\"}").getBytes(StandardCharsets.UTF_8));
            return new Request("/callback", Map.of("code", code, "state", query.get("state")), cookie);
        }

        /** CPU microseconds of one JDK RSA verify of the last ID token's signature, averaged over {@code times}. */
        double floor(int times) throws Exception {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int k = 0; k < times; k++) {
                rsa.initVerify(publicKey);
                rsa.update(signingInput);
                if (!rsa.verify(signature)) {
                    throw new IllegalStateException("the floor's signature does not verify");
                }
            }
            return (THREADS.getCurrentThreadCpuTime() - start) / 1_000.0 / times;
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
