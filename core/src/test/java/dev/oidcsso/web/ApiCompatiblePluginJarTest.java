package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import dev.oidcsso.config.SettingsException;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.oidcsso.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A group detector jar built against group-detection-api 0.1, before plugin factories and declared
 * settings existed, keeps working unchanged: dropped into the plugin folder, it is found, configured
 * with the settings it reads and decides the groups at a real login. The jar is the example plugin
 * as built at that time (see {@code plugins/api-0.1/README.md} in the test resources).
 */
class ApiCompatiblePluginJarTest {

    static final String JAR = "oidc-sso-example-group-detector-plugin-0.1.0.jar";
    static final String SHA_256 = "fed548e21cb9ae29294c84cbddc6b34f7409a8924a2df6bb8e7c8040650011e2";

    @TempDir
    Path dir;
    MockOAuth2Server idp;
    Path plugins;

    @BeforeEach
    void start() throws Exception {
        plugins = Files.createDirectories(dir.resolve("plugins"));
        try (InputStream jar = getClass().getResourceAsStream("/plugins/api-0.1/" + JAR)) {
            Files.copy(jar, plugins.resolve(JAR));
        }
        assertEquals(SHA_256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(plugins.resolve(JAR)))),
                "the old jar must stay the one built against the old API");
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    OidcSettings.Builder settings() {
        return OidcSettings.builder().discoveryUrl(idp.wellKnownUrl("default").toString()).client("demo", "secret")
                .secretKey("0123456789abcdef0123456789abcdef0123")
                .set("OIDC_PLUGIN_DIR", plugins.toString()).set("OIDC_GROUP_DETECTION_PLUGIN", "example-email-list")
                .set("OIDC_USERNAME_CLAIM", "email").set("OIDC_HTTP_TIMEOUT", "30s");
    }

    String loginAs(OidcSso sso, String email) throws IOException, InterruptedException {
        HttpServer app = DemoApps.jdkApp(sso);
        // A busy machine can make the first discovery slow; the login is what this test is about.
        Poll.until(Duration.ofSeconds(60), sso::ready, "the IdP discovered");
        try {
            idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "subject-1", "JWT", List.of("demo"),
                    Map.of("email", email, "email_verified", true), 3600));
            return Browser.forPages().navigate(DemoApps.baseUrl(app) + "/").body();
        } finally {
            app.stop(0);
        }
    }

    @Test
    void theOldJarDecidesTheGroupsAtALogin() throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.oidcsso.example.plugin.EmailListGroupDetector"),
                "the plugin must come from the folder, not from the test class path");
        OidcSettings settings = settings().set("OIDC_EXAMPLE_ADMIN_EMAILS", "Boss@Example.com").build();
        assertEquals("dev.oidcsso.example.plugin.EmailListGroupDetector", settings.plugins().groupDetector().getClass().getName());
        try (OidcSso sso = OidcSso.create(settings)) {
            assertEquals("hello boss@example.com (admin) via session at /", loginAs(sso, "boss@example.com"));
            assertEquals("hello dev@example.com via session at /", loginAs(sso, "dev@example.com"));
        }
    }

    @Test
    void itsMissingSettingIsReportedWithEveryOtherProblem() {
        SettingsException e = assertThrows(SettingsException.class, () -> settings().set("OIDC_DB_POOL_SIZE", "lots").build());
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().contains("OIDC_DB_POOL_SIZE='lots' is not a whole number between 1 and 200"), e.getMessage());
        assertTrue(e.problems().contains("group detector 'example-email-list': OIDC_EXAMPLE_ADMIN_EMAILS is not set: "
                + "list the administrators' e-mail addresses"), e.getMessage());
    }
}
