package dev.oidcsso.web;

import com.sun.net.httpserver.HttpServer;
import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.testing.Browser;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import dev.oidcsso.testing.Poll;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A plugin jar dropped into {@code OIDC_PLUGIN_DIR} is found and selected by name. The plugin is
 * compiled here so that its class exists only inside that jar, never on the test class path.
 */
class PluginDirectoryTest {

    static final String SOURCE = """
            package acme.groups;
            import dev.oidcsso.groups.*;
            import java.util.*;
            public final class TeamDetector implements GroupDetector {
                public String name() { return "acme-team"; }
                public List<String> detectGroups(GroupDetectionContext context) {
                    return context.claim("team").map(team -> List.of("team-" + team)).orElse(List.of());
                }
            }
            """;

    static Path buildPluginJar(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/acme/groups")).resolve("TeamDetector.java");
        Files.writeString(src, SOURCE);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int result = compiler.run(null, null, null, "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, result, "the test plugin must compile");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = plugins.resolve("acme-team.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("acme/groups/TeamDetector.class"));
            out.write(Files.readAllBytes(classes.resolve("acme/groups/TeamDetector.class")));
            out.putNextEntry(new JarEntry("META-INF/services/dev.oidcsso.groups.GroupDetector"));
            out.write("acme.groups.TeamDetector\n".getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(plugins.resolve("README.txt"), "not a jar, ignored");
        return plugins;
    }

    @Test
    void pluginFromTheFolderDecidesTheGroups(@TempDir Path dir) throws Exception {
        Path plugins = buildPluginJar(dir);
        assertThrows(ClassNotFoundException.class, () -> Class.forName("acme.groups.TeamDetector"));
        MockOAuth2Server idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        OidcSettings settings = OidcSettings.builder().discoveryUrl(idp.wellKnownUrl("default").toString()).client("demo", "secret")
                .set("OIDC_PLUGIN_DIR", plugins.toString()).set("OIDC_GROUP_DETECTION_PLUGIN", "acme-team")
                .set("OIDC_GROUP_NAME", "team-data").set("OIDC_HTTP_TIMEOUT", "30s").build();
        try (OidcSso sso = OidcSso.create(settings)) {
            HttpServer app = DemoApps.jdkApp(sso);
            // A busy machine can make the first discovery slow; the login is what this test is about.
            Poll.until(Duration.ofSeconds(60), sso::ready, "the IdP discovered");
            try {
                idp.enqueueCallback(new DefaultOAuth2TokenCallback("default", "dana", "JWT", List.of("demo"),
                        Map.of("preferred_username", "dana", "team", "data"), 3600));
                assertEquals("hello dana via session at /", Browser.forPages().navigate(DemoApps.baseUrl(app) + "/").last().body());
            } finally {
                app.stop(0);
                idp.shutdown();
            }
        }
    }

    @Test
    void missingFolderIsAStartUpProblem(@TempDir Path dir) {
        var e = assertThrows(dev.oidcsso.config.SettingsException.class, () -> OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "b")
                .set("OIDC_PLUGIN_DIR", dir.resolve("nope").toString()).build());
        assertEquals(List.of("OIDC_PLUGIN_DIR='" + dir.resolve("nope") + "' is not a readable folder"), e.problems());
    }

}
