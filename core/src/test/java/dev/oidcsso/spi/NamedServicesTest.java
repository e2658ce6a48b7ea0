package dev.oidcsso.spi;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.plugins.NamedServices;
import dev.oidcsso.plugins.PluginCatalog;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Class-path scenarios, each with its own META-INF/services under test resources. The detectors here
 * register themselves as {@code GroupDetector}s, as plugins built against the group detection API
 * do; the built-in ones register factories: both meet in one index.
 */
class NamedServicesTest {

    /** Claims the built-in detector's name. */
    public static final class ImpostorClaimDetector implements GroupDetector {
        @Override
        public String name() {
            return "claim";
        }

        @Override
        public List<String> detectGroups(GroupDetectionContext context) {
            return List.of("mlflow-admin");
        }
    }

    /** A well-behaved detector listed after a broken entry. */
    public static final class FixedDetector implements GroupDetector {
        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public List<String> detectGroups(GroupDetectionContext context) {
            return List.of("mlflow");
        }
    }

    static ClassLoader scenario(String name) {
        URL root = NamedServicesTest.class.getClassLoader().getResource("scenarios/" + name + "/");
        return new URLClassLoader(new URL[]{root}, NamedServicesTest.class.getClassLoader());
    }

    static NamedServices<GroupDetectorFactory> detectors(ClassLoader loader) {
        return PluginCatalog.discover(loader, Optional.empty(), new ArrayList<>()).groupDetectors();
    }

    static GroupDetectorFactory select(NamedServices<GroupDetectorFactory> found, String name) {
        List<String> problems = new ArrayList<>();
        Optional<GroupDetectorFactory> factory = found.select(name, problems);
        if (!problems.isEmpty()) {
            throw new SettingsException(problems);
        }
        return factory.orElseThrow();
    }

    @Test
    void builtInsAreFoundByName() {
        NamedServices<GroupDetectorFactory> found = detectors(getClass().getClassLoader());
        assertEquals("claim, userinfo", found.known());
        assertEquals("ClaimGroupDetector", select(found, "CLAIM").create(PluginSettings.empty()).getClass().getSimpleName());
    }

    @Test
    void unknownNameFailsWithTheKnownNames() {
        SettingsException e = assertThrows(SettingsException.class, () -> select(detectors(getClass().getClassLoader()), "ldap"));
        assertEquals(List.of("OIDC_GROUP_DETECTION_PLUGIN='ldap' names no known group detector; known: claim, userinfo"), e.problems());
    }

    @Test
    void twoImplementationsOfOneNameFailNamingBothClasses() {
        SettingsException e = assertThrows(SettingsException.class, () -> select(detectors(scenario("duplicate")), "claim"));
        String message = e.problems().get(0);
        assertTrue(message.contains("dev.oidcsso.identity.ClaimGroupDetector"), message);
        assertTrue(message.contains("dev.oidcsso.spi.NamedServicesTest$ImpostorClaimDetector"), message);
        // The other names stay usable: ambiguity is only fatal for the name that is ambiguous.
        assertEquals("userinfo", select(detectors(scenario("duplicate")), "userinfo").name());
    }

    @Test
    void aBrokenEntryIsSkippedAndTheOthersStillLoad() {
        NamedServices<GroupDetectorFactory> found = detectors(scenario("broken"));
        assertEquals("claim, fixed, userinfo", found.known());
    }

    @Test
    void everyPluginProblemIsReportedInOneStartUpError() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "b")
                .set("OIDC_IDENTITY_VALIDATOR", "claim-equals").classLoader(scenario("duplicate")).build());
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("OIDC_IDENTITY_VALIDATOR_CLAIM is not set"));
        assertTrue(e.problems().get(1).startsWith("OIDC_IDENTITY_VALIDATOR_VALUE is not set"));
        assertTrue(e.problems().get(2).startsWith("two group detectors claim the name 'claim'"));
    }

    @Test
    void theFrameworkRefusesToStartOnAnAmbiguousDetector() {
        SettingsException e = assertThrows(SettingsException.class, () -> OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "b")
                .classLoader(scenario("duplicate")).build());
        assertTrue(e.getMessage().contains("two group detectors claim the name 'claim'"), e.getMessage());
    }

    @Test
    void aDetectorDeclaringNothingGetsEveryNonSecretSettingAndNoSecret() {
        OidcSettings settings = OidcSettings.builder().classLoader(scenario("capture"))
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "the-client-secret")
                .secretKey("0123456789abcdef0123456789abcdef0123").set("OIDC_GROUP_DETECTION_PLUGIN", "capture-all")
                .set("OIDC_USERS_DB_URI", "postgresql://sso:hunter2@db/sso").set("OIDC_USERS_DB_PASSWORD", "hunter2")
                .set("OIDC_EXAMPLE_ADMIN_EMAILS", "boss@example.com").set("DEFAULT_PERMISSION", "READ").build();
        List<String> received = settings.plugins().groupDetector().detectGroups(null);
        assertTrue(received.contains("OIDC_EXAMPLE_ADMIN_EMAILS"), received.toString());
        assertTrue(received.contains("OIDC_CLIENT_ID"), received.toString());
        assertTrue(received.contains("DEFAULT_PERMISSION"), received.toString());
        for (String secret : List.of("SECRET_KEY", "OIDC_CLIENT_SECRET", "OIDC_USERS_DB_URI", "OIDC_USERS_DB_PASSWORD")) {
            assertFalse(received.contains(secret), secret + " must not reach a plugin that did not ask for it: " + received);
        }
    }

    @Test
    void aDetectorDeclaringItsSettingsGetsThoseOnlyAndASecretItNamesExactly() {
        OidcSettings settings = OidcSettings.builder().classLoader(scenario("capture"))
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "the-client-secret")
                .secretKey("0123456789abcdef0123456789abcdef0123").set("OIDC_GROUP_DETECTION_PLUGIN", "capture-declared")
                .set("OIDC_ACME_URL", "https://acme.example").set("OIDC_ACME_API_TOKEN", "t0ken").build();
        assertEquals(List.of("OIDC_ACME_URL", "OIDC_CLIENT_SECRET"), settings.plugins().groupDetector().detectGroups(null),
                "a prefix never carries a secret (OIDC_ACME_API_TOKEN); an exact name does");
    }

    /** A detector whose groups are the names of the settings it was configured with; declares nothing. */
    public static class CaptureAll implements GroupDetector {
        private final List<String> received;

        /** The prototype the service loader creates. */
        public CaptureAll() {
            this(List.of());
        }

        CaptureAll(List<String> received) {
            this.received = received;
        }

        @Override
        public String name() {
            return "capture-all";
        }

        @Override
        public GroupDetector configure(Map<String, String> settings) {
            return new CaptureAll(settings.keySet().stream().sorted().toList());
        }

        @Override
        public List<String> detectGroups(GroupDetectionContext context) {
            return received;
        }
    }

    /** Like {@link CaptureAll}, but declares a prefix and one secret. */
    public static final class CaptureDeclared extends CaptureAll {
        /** The prototype the service loader creates. */
        public CaptureDeclared() {
            super(List.of());
        }

        @Override
        public String name() {
            return "capture-declared";
        }

        @Override
        public Set<String> settingNames() {
            return Set.of("OIDC_ACME_*", "OIDC_CLIENT_SECRET");
        }
    }
}
