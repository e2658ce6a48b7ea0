package dev.oidcsso.plugins;

import dev.oidcsso.config.OidcSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every kind of plugin is found with one class loader over the class path and the plugin folder:
 * a jar in the folder may bring a provider profile and an identity validator, and both come from
 * the same loader, each created once with its own settings.
 */
class OneClassLoaderTest {

    static final String PROFILE = """
            package acme;
            import dev.oidcsso.spi.*;
            import java.util.*;
            public final class AcmeProfile implements ProviderProfileFactory {
                public String name() { return "acme"; }
                public Set<String> settingNames() { return Set.of("OIDC_ACME_TENANT"); }
                public ProviderProfile create(PluginSettings settings) {
                    String tenant = settings.get("OIDC_ACME_TENANT").orElseThrow(
                            () -> new IllegalArgumentException("OIDC_ACME_TENANT is not set"));
                    return () -> "acme-" + tenant;
                }
            }
            """;

    static final String VALIDATOR = """
            package acme;
            import dev.oidcsso.spi.*;
            import java.util.*;
            public final class StaffOnly implements IdentityValidatorFactory {
                public String name() { return "acme-staff"; }
                public IdentityValidator create(PluginSettings settings) {
                    if (!settings.asMap().isEmpty()) throw new IllegalStateException("got settings it did not ask for");
                    return new IdentityValidator() {
                        public String name() { return "acme-staff"; }
                        public Optional<String> refusal(Map<String, Object> claims) {
                            return Boolean.TRUE.equals(claims.get("staff")) ? Optional.empty() : Optional.of("staff only");
                        }
                    };
                }
            }
            """;

    static Path pluginFolder(Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/acme"));
        Files.writeString(src.resolve("AcmeProfile.java"), PROFILE);
        Files.writeString(src.resolve("StaffOnly.java"), VALIDATOR);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        int result = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), src.resolve("AcmeProfile.java").toString(), src.resolve("StaffOnly.java").toString());
        assertEquals(0, result, "the test plugins must compile");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve("acme.jar")))) {
            try (var files = Files.list(classes.resolve("acme"))) {
                for (Path file : files.sorted().toList()) {
                    out.putNextEntry(new JarEntry("acme/" + file.getFileName()));
                    out.write(Files.readAllBytes(file));
                }
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.oidcsso.spi.ProviderProfileFactory"));
            out.write("acme.AcmeProfile\n".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("META-INF/services/dev.oidcsso.spi.IdentityValidatorFactory"));
            out.write("acme.StaffOnly\n".getBytes(StandardCharsets.UTF_8));
        }
        return plugins;
    }

    @Test
    void profilesAndValidatorsInTheFolderComeFromOneLoader(@TempDir Path dir) throws IOException {
        Path plugins = pluginFolder(dir);
        assertThrows(ClassNotFoundException.class, () -> Class.forName("acme.AcmeProfile"));
        OidcSettings settings = OidcSettings.builder().discoveryUrl("https://idp.example.com/.well-known/openid-configuration")
                .client("app", "s3cret").set("OIDC_PLUGIN_DIR", plugins.toString()).set("OIDC_PROVIDER", "acme")
                .set("OIDC_ACME_TENANT", "t1").set("OIDC_IDENTITY_VALIDATOR", "acme-staff").build();
        assertEquals("acme-t1", settings.profile().name());
        ClassLoader profileLoader = settings.profile().getClass().getClassLoader();
        assertSame(profileLoader, settings.plugins().identityValidator().getClass().getClassLoader());
        assertEquals("oidc-sso-plugins", profileLoader.getName());
        assertEquals(Optional.of("staff only"), settings.plugins().identityValidator().refusal(Map.of()));
        assertEquals(Optional.empty(), settings.plugins().identityValidator().refusal(Map.of("staff", true)));
    }
}
