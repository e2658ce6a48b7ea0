package dev.oidcsso.demo.boot;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Spring Boot demo: a few endpoints protected by the oidc-sso starter and Spring Security's
 * annotations. {@code PORT} and every {@code OIDC_*} variable work as in the demo server.
 *
 * <p>With neither {@code OIDC_DISCOVERY_URL} nor {@code OIDC_PROVIDER} set it runs in development
 * mode: it starts mock-oauth2-server on 127.0.0.1 with its sign-in page (anyone signs in as anyone,
 * with the claims typed there) and points the framework at it.
 */
@SpringBootApplication
@EnableMethodSecurity
public class SpringBootDemo {

    private static final Logger LOG = LoggerFactory.getLogger(SpringBootDemo.class);
    /** The client id the demo uses at its development IdP (which accepts any). */
    static final String DEV_CLIENT_ID = "oidc-sso-spring-boot-demo";
    /** The file in the data folder where the development IdP's port is kept from one start to the next. */
    static final String DEV_IDP_PORT_FILE = "dev-idp-port";

    /** Creates the application class (Spring does). */
    public SpringBootDemo() {
    }

    /**
     * Starts the application, and the development IdP when no IdP is configured.
     *
     * @param args Spring Boot's command line arguments
     * @throws IOException when the development IdP cannot bind its port
     */
    public static void main(String[] args) throws IOException {
        SpringApplication application = new SpringApplication(SpringBootDemo.class);
        MockOAuth2Server devIdp = developmentMode(System.getenv(), args) ? startDevIdp(application, dataDir(System.getenv(), args)) : null;
        run(application, devIdp, args);
    }

    /**
     * Runs the application and stops the development IdP with it: when the context closes, and when
     * the start fails, since the IdP's threads would otherwise keep the process running after Spring
     * has said why it could not start.
     *
     * @param application the application
     * @param devIdp      the development IdP, or null
     * @param args        Spring Boot's command line arguments
     * @return the running application
     */
    static ConfigurableApplicationContext run(SpringApplication application, MockOAuth2Server devIdp, String... args) {
        if (devIdp == null) {
            return application.run(args);
        }
        ConfigurableApplicationContext context;
        try {
            context = application.run(args);
        } catch (RuntimeException e) {
            devIdp.shutdown();
            throw e;
        }
        writePort(dataDir(System.getenv(), args).resolve(DEV_IDP_PORT_FILE), devIdp.baseUrl().port());
        context.addApplicationListener(event -> {
            if (event instanceof org.springframework.context.event.ContextClosedEvent) {
                devIdp.shutdown();
            }
        });
        return context;
    }

    /**
     * Asks the IdP once before the application starts: its first answer is slow (class loading) and,
     * with the application starting beside it, could miss the framework's discovery timeout.
     */
    private static void warmUp(URI discovery) {
        try {
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.warn("The development IdP did not answer yet ({}); discovery will retry", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether no identity provider is configured, under any of the names the starter reads: the
     * {@code OIDC_*} names and the {@code oidc-sso.*} properties, as environment variables, system
     * properties or command-line arguments.
     */
    static boolean developmentMode(Map<String, String> environment, String[] args) {
        for (String name : new String[]{"OIDC_DISCOVERY_URL", "OIDC_PROVIDER", "oidc-sso.discovery-url", "oidc-sso.provider",
                "OIDCSSO_DISCOVERYURL", "OIDCSSO_PROVIDER"}) {
            if (!blank(System.getProperty(name)) || !blank(environment.get(name))) {
                return false;
            }
            for (String arg : args) {
                if (arg.startsWith("--" + name + "=") && !blank(arg.substring(name.length() + 3))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static int freeLoopbackPort() {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Optional<Integer> readPort(Path file) {
        try {
            // A few bytes of a regular file: a big file or a pipe put there by mistake must not stall the start.
            if (!Files.isRegularFile(file) || Files.size(file) > 16) {
                return Optional.empty();
            }
            int port = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).trim());
            return port > 0 && port <= 65_535 ? Optional.of(port) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            // first start in this folder, or a file not written by us: a free port, as without one
            return Optional.empty();
        }
    }

    private static void writePort(Path file, int port) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, port + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("Cannot remember the development IdP's port in {}: {}", file, e.toString());
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    /** The folder of the embedded database, as application.properties names it: {@code OIDC_DATA_DIR}, default ./data. */
    static Path dataDir(Map<String, String> environment, String[] args) {
        for (String arg : args) {
            if (arg.startsWith("--oidc-sso.data-dir=") && !blank(arg.substring("--oidc-sso.data-dir=".length()))) {
                return Path.of(arg.substring("--oidc-sso.data-dir=".length()).trim());
            }
        }
        String configured = environment.get("OIDC_DATA_DIR");
        return Path.of(blank(configured) ? "./data" : configured.trim());
    }

    static MockOAuth2Server startDevIdp(SpringApplication application, Path dataDir) throws IOException {
        // Its own sign-in page: a form for the user name and the claims (put "groups": ["mlflow"] there).
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(true, null));
        // Users are bound to the issuer they signed in with, and the issuer holds the port: the data folder keeps
        // the port, so that a restart brings the same issuer back. Chosen here, not by the server: only an explicit
        // port is bound with SO_REUSEADDR, which a restart within a minute of a stop (TIME_WAIT) needs.
        Path remembered = dataDir.resolve(DEV_IDP_PORT_FILE);
        Optional<Integer> rememberedPort = readPort(remembered);
        int port = rememberedPort.orElseGet(SpringBootDemo::freeLoopbackPort);
        try {
            server.start(InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException e) {
            // mock-oauth2-server is Kotlin and declares nothing: a taken port arrives as an undeclared BindException.
            if (!(e instanceof java.net.BindException)) {
                throw e;
            }
            LOG.warn("The development IdP's port of the last start, {}, is taken: using another. Users who signed in before are bound "
                    + "to the old issuer and are refused until an administrator unbinds them, or {} is emptied.", port, dataDir);
            server = new MockOAuth2Server(new OAuth2Config(true, null));
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        }
        if (rememberedPort.isEmpty()) {
            // The first start in this folder: nothing to protect. A port that replaces a remembered one is written
            // only once the application has started (run): a second demo refused for the folder's locked database
            // must not move the running demo's port, or its next restart would bring another issuer.
            writePort(remembered, server.baseUrl().port());
        }
        String issuer = "http://127.0.0.1:" + server.baseUrl().port() + "/dev";
        warmUp(URI.create(issuer + "/.well-known/openid-configuration"));
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, Object> defaults = new HashMap<>();
        // Lowest precedence: OIDC_GROUP_NAME and friends from the environment still apply.
        defaults.put("OIDC_DISCOVERY_URL", issuer + "/.well-known/openid-configuration");
        defaults.put("OIDC_CLIENT_ID", DEV_CLIENT_ID);
        defaults.put("OIDC_CLIENT_SECRET", Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        application.setDefaultProperties(defaults);
        String line = "=".repeat(100);
        LOG.warn(line);
        LOG.warn("DEVELOPMENT MODE — embedded test identity provider at {}; do not use in production.", issuer);
        LOG.warn("It signs in anyone as anyone without a password. Set OIDC_DISCOVERY_URL (or OIDC_PROVIDER) to use a real IdP.");
        LOG.warn("On its sign-in page, give claims such as {\"groups\": [\"mlflow-admin\"]} to sign in as an administrator.");
        LOG.warn(line);
        return server;
    }
}
