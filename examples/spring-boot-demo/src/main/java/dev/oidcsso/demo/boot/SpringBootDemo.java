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
import java.nio.file.Path;
import java.time.Duration;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

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
        MockOAuth2Server devIdp = developmentMode(System.getenv(), args) ? startDevIdp(application, Path.of("./data")) : null;
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

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    static MockOAuth2Server startDevIdp(SpringApplication application, Path dataDir) throws IOException {
        // Its own sign-in page: a form for the user name and the claims (put "groups": ["mlflow"] there).
        MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(true, null));
        server.start(InetAddress.getByName("127.0.0.1"), 0);
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
