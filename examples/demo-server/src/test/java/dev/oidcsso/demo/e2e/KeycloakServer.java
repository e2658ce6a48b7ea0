package dev.oidcsso.demo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oidcsso.demo.DemoServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Keycloak server for end-to-end tests: the {@code org.keycloak:keycloak-quarkus-dist}
 * distribution that Maven unpacked into {@code target/keycloak}, started in development mode on
 * loopback with a JDK 21+ found by {@link JdkLocator}, with the test realm imported.
 *
 * <p>The realm ({@code keycloak/oidc-sso-test-realm.json} in the test resources) has groups
 * {@code mlflow} and {@code mlflow-admin}, the users {@link #ADMIN_USER} (in {@code mlflow-admin}),
 * {@link #PLAIN_USER} (in {@code mlflow}) and {@link #OUTSIDER} (in neither), the confidential
 * client {@link #DEMO_CLIENT_ID} for the browser login, {@link #SCRIPT_CLIENT_ID} for scripts
 * that use the password grant, {@link #UNRELATED_CLIENT_ID}, whose tokens are for someone else, and the service
 * account {@link #TEST_ADMIN_CLIENT_ID} for the tests' admin REST calls. The passwords and client secrets are random for every start and
 * only reachable through this object: nothing secret is written in source or logged.
 *
 * <p>Closing stops the whole process tree ({@code kc.sh} runs Java as its child), politely and
 * then by force, within a bounded time; a JVM shutdown hook does the same if the test JVM exits
 * without closing it.
 */
public final class KeycloakServer implements AutoCloseable {

    /** The test realm. */
    public static final String REALM = "oidc-sso-test";
    /** The confidential client the demo server signs browsers in with. */
    public static final String DEMO_CLIENT_ID = "oidc-sso-demo";
    /** The confidential client scripts use with the password grant; its access tokens name the demo in {@code aud}. */
    public static final String SCRIPT_CLIENT_ID = "script-client";
    /** Another application's client with the password grant: its access tokens are valid, but not for the demo. */
    public static final String UNRELATED_CLIENT_ID = "unrelated-client";
    /**
     * A service account with rights on this realm's clients and users only (not the master realm): the
     * tests' hand on the admin REST API, see {@link KeycloakAdmin}.
     */
    public static final String TEST_ADMIN_CLIENT_ID = "test-admin";
    /** In group {@code mlflow-admin}. */
    public static final String ADMIN_USER = "admin-user";
    /** In group {@code mlflow}. */
    public static final String PLAIN_USER = "plain-user";
    /** In no group. */
    public static final String OUTSIDER = "outsider";

    /** System property with the unpacked distribution, set by the demo server's POM. */
    static final String HOME_PROPERTY = "keycloak.home";

    private static final Logger LOG = LoggerFactory.getLogger(KeycloakServer.class);
    private static final String REALM_RESOURCE = "/keycloak/oidc-sso-test-realm.json";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");
    /**
     * How long Keycloak may take to answer: {@code -Dkeycloak.startup.timeout.seconds}, else 120 s,
     * or 400 s under {@code CI=true}. A first start after {@code mvn clean} builds Keycloak's Quarkus
     * application and took over 120 s on a busy two-core CI machine; a CI run must not fail for that.
     */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(Long.getLong("keycloak.startup.timeout.seconds",
            Prerequisites.inCi() ? 400 : 120));
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 80;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Process process;
    private final Thread shutdownHook;
    private final URI issuer;
    private final Path logFile;
    private final Map<String, String> fixtures;
    private final Duration startupTime;

    private KeycloakServer(Process process, Thread shutdownHook, URI issuer, Path logFile, Map<String, String> fixtures, Duration startupTime) {
        this.process = process;
        this.shutdownHook = shutdownHook;
        this.issuer = issuer;
        this.logFile = logFile;
        this.fixtures = fixtures;
        this.startupTime = startupTime;
    }

    /**
     * Starts Keycloak and waits until the test realm's discovery document answers.
     *
     * @param home   the unpacked distribution (with {@code bin/kc.sh})
     * @param jdk    a JDK 21+ to run it on
     * @param logDir where {@code keycloak.log} is written
     * @return the running server
     * @throws IOException           when the realm cannot be written or the process cannot start
     * @throws IllegalStateException when Keycloak exits or does not answer in time; the message holds the end of its log
     */
    public static KeycloakServer start(Path home, JdkLocator.Jdk jdk, Path logDir) throws IOException {
        Path kcSh = home.resolve("bin").resolve("kc.sh");
        if (!Files.isRegularFile(kcSh)) {
            throw new IllegalStateException("No Keycloak distribution at " + home + " (bin/kc.sh is missing). Run the tests through Maven "
                    + "(mvn verify -pl examples/demo-server -am), which unpacks org.keycloak:keycloak-quarkus-dist into target/keycloak.");
        }
        // Named after the realm file's placeholders: <USER>_PASSWORD and <CLIENT_ID>_SECRET.
        Map<String, String> fixtures = new LinkedHashMap<>();
        for (String name : List.of("ADMIN_USER_PASSWORD", "PLAIN_USER_PASSWORD", "OUTSIDER_PASSWORD",
                "OIDC_SSO_DEMO_SECRET", "SCRIPT_CLIENT_SECRET", "UNRELATED_CLIENT_SECRET", "TEST_ADMIN_SECRET")) {
            fixtures.put(name, randomSecret());
        }
        writeRealm(home.resolve("data").resolve("import"), fixtures);

        int httpPort = freePort();
        URI issuer = URI.create("http://127.0.0.1:" + httpPort + "/realms/" + REALM);
        List<String> command = List.of(kcSh.toString(), "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + httpPort,
                // A full URL, so the issuer is exactly http://127.0.0.1:<port>/realms/<realm>
                // whatever Host header a client sends.
                "--hostname=http://127.0.0.1:" + httpPort,
                "--health-enabled=false",
                "--metrics-enabled=false",
                // The management interface is off with health and metrics off; a free port anyway,
                // so a later default change cannot collide with 9000 on a shared machine.
                "--http-management-port=" + freePort(),
                // In memory: every run starts from the realm file, nothing stale survives.
                "--db=dev-mem",
                "--import-realm");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve("keycloak.log");
        builder.redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        // Hermetic: a developer's KC_DB or JAVA_OPTS must not change what the tests run against.
        env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("KEYCLOAK_") || name.startsWith("QUARKUS_")
                || name.startsWith("JAVA_OPTS") || name.equals("JAVA_ADD_OPENS") || name.equals("JAVA_TOOL_OPTIONS"));
        env.put("JAVA_HOME", jdk.home().toString());
        env.put("JAVA", jdk.java().toString());

        LOG.info("Starting Keycloak {} on Java {} ({}): issuer {}, log {}", home.getFileName(), jdk.feature(), jdk.home(), issuer, logFile);
        long started = System.nanoTime();
        Process process = builder.start();
        Thread hook = new Thread(() -> destroyTree(process), "keycloak-test-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        KeycloakServer server;
        try {
            awaitDiscovery(process, issuer, logFile);
            server = new KeycloakServer(process, hook, issuer, logFile, Map.copyOf(fixtures), Duration.ofNanos(System.nanoTime() - started));
        } catch (RuntimeException | Error e) {
            destroyTree(process);
            removeHook(hook);
            throw e;
        }
        LOG.info("Keycloak answered after {} ms", server.startupTime.toMillis());
        return server;
    }

    /** @return the realm's issuer, {@code http://127.0.0.1:<port>/realms/oidc-sso-test} */
    public URI issuer() {
        return issuer;
    }

    /** @return the realm's OpenID discovery document */
    public URI discoveryUrl() {
        return URI.create(issuer + "/.well-known/openid-configuration");
    }

    /** @return the realm's token endpoint */
    public URI tokenEndpoint() {
        return URI.create(issuer + "/protocol/openid-connect/token");
    }

    /** @return the realm's signing keys */
    public URI jwksUri() {
        return URI.create(issuer + "/protocol/openid-connect/certs");
    }

    /**
     * Starts the demo server as this realm's demo client, on a free loopback port, with a random
     * {@code SECRET_KEY} and its database under {@code dataDir}, never in the work tree. The
     * settings are given to the builder: tests must not depend on or change the process environment.
     *
     * @param dataDir the demo's {@code OIDC_DATA_DIR}
     * @return the started demo; the caller stops it
     * @throws IOException when the demo cannot start
     */
    public DemoServer startDemo(Path dataDir) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>(demoEnvironment());
        environment.put("OIDC_DATA_DIR", dataDir.toString());
        DemoServer demo = DemoServer.builder().environment(environment).host("127.0.0.1").port(0).build();
        demo.start();
        return demo;
    }

    /**
     * The settings of a demo server signing in as this realm's demo client, with a new random
     * {@code SECRET_KEY}: replicas of one application are started with the same map (one key), plus
     * their shared {@code OIDC_USERS_DB_URI}.
     *
     * @return the settings by their public names
     */
    public Map<String, String> demoEnvironment() {
        byte[] key = new byte[48];
        RANDOM.nextBytes(key);
        return Map.of(
                "OIDC_DISCOVERY_URL", discoveryUrl().toString(),
                "OIDC_CLIENT_ID", DEMO_CLIENT_ID,
                "OIDC_CLIENT_SECRET", clientSecret(DEMO_CLIENT_ID),
                "SECRET_KEY", Base64.getEncoder().encodeToString(key));
    }

    /**
     * A client's secret, random for this run.
     *
     * @param clientId {@link #DEMO_CLIENT_ID}, {@link #SCRIPT_CLIENT_ID}, {@link #UNRELATED_CLIENT_ID} or {@link #TEST_ADMIN_CLIENT_ID}
     * @return the secret
     */
    public String clientSecret(String clientId) {
        return fixture(clientId, "_SECRET", "client");
    }

    /**
     * A test user's password, random for this run.
     *
     * @param username {@link #ADMIN_USER}, {@link #PLAIN_USER} or {@link #OUTSIDER}
     * @return the password
     */
    public String password(String username) {
        return fixture(username, "_PASSWORD", "test user");
    }

    private String fixture(String name, String suffix, String what) {
        String value = fixtures.get(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + suffix);
        if (value == null) {
            throw new IllegalArgumentException("no " + what + " '" + name + "' in realm " + REALM);
        }
        return value;
    }

    /** @return how long Keycloak took from launch until the realm's discovery document answered */
    public Duration startupTime() {
        return startupTime;
    }

    /** @return Keycloak's console log */
    public Path logFile() {
        return logFile;
    }

    /** Stops Keycloak and every process it started, waiting at most a bounded time. */
    @Override
    public void close() {
        long started = System.nanoTime();
        destroyTree(process);
        removeHook(shutdownHook);
        LOG.info("Keycloak stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static void writeRealm(Path importDir, Map<String, String> fixtures) throws IOException {
        String template;
        try (InputStream in = KeycloakServer.class.getResourceAsStream(REALM_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(REALM_RESOURCE + " is not on the test class path");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder realm = new StringBuilder();
        while (matcher.find()) {
            String value = fixtures.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException(REALM_RESOURCE + " uses ${" + matcher.group(1) + "}, which the harness does not fill in");
            }
            matcher.appendReplacement(realm, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(realm);
        Files.createDirectories(importDir);
        // Only this realm: a file left in data/import by hand would be imported too.
        try (var old = Files.list(importDir)) {
            for (Path file : old.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Path file = importDir.resolve(REALM + "-realm.json");
        Files.writeString(file, realm, StandardCharsets.UTF_8);
        try {
            // It holds this run's passwords; nobody else on the machine needs to read them.
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the file stays under target/ with the default permissions.
        }
    }

    private static void awaitDiscovery(Process process, URI issuer, Path logFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with status " + process.exitValue() + " before the realm answered. "
                        + tail(logFile));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    JsonNode document = json.readTree(response.body());
                    if (issuer.toString().equals(document.path("issuer").asText())) {
                        return;
                    }
                    // Stop at once: the hostname options are wrong, waiting will not fix it.
                    throw new IllegalStateException("Keycloak's issuer is " + document.path("issuer") + ", expected " + issuer);
                }
                lastProblem = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastProblem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Keycloak", e);
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException("Keycloak did not serve " + discovery + " within " + STARTUP_TIMEOUT.toSeconds()
                + " s (last: " + lastProblem + "; raise -Dkeycloak.startup.timeout.seconds on a slow machine). " + tail(logFile));
    }

    private static void destroyTree(Process process) {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        // kc.sh forwards TERM to its Java child; TERM both, so nothing depends on the script's trap.
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        List<ProcessHandle> all = new ArrayList<>(children);
        all.add(process.toHandle());
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle handle : all) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) {
                    handle.onExit().get(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // forced below
            }
            if (handle.isAlive()) {
                LOG.warn("Keycloak process {} did not stop within {} s; killing it", handle.pid(), STOP_TIMEOUT.toSeconds());
                handle.destroyForcibly();
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down, and the hook is running or has run.
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "Last lines of " + logFile + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "Its log " + logFile + " cannot be read: " + e;
        }
    }

    private static int freePort() throws IOException {
        // A short race with other processes on the machine; Keycloak's bind error shows in the log if lost.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Keycloak", e);
        }
    }
}
