package dev.oidcsso.spi;

import dev.oidcsso.config.OidcSettings;
import dev.oidcsso.config.SettingsException;
import dev.oidcsso.groups.GroupDetectionContext;
import dev.oidcsso.groups.GroupDetector;
import dev.oidcsso.web.OidcSso;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class-path scenarios, each with its own META-INF/services under test resources. */
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

    static NamedServices<GroupDetector> detectors(ClassLoader loader) {
        return NamedServices.load(GroupDetector.class, loader, d -> List.of(d.name()), "group detector", "OIDC_GROUP_DETECTION_PLUGIN");
    }

    @Test
    void builtInsAreFoundByName() {
        NamedServices<GroupDetector> found = detectors(getClass().getClassLoader());
        assertEquals("claim, userinfo", found.known());
        assertEquals("ClaimGroupDetector", found.select("CLAIM").getClass().getSimpleName());
    }

    @Test
    void unknownNameFailsWithTheKnownNames() {
        SettingsException e = assertThrows(SettingsException.class, () -> detectors(getClass().getClassLoader()).select("ldap"));
        assertEquals(List.of("OIDC_GROUP_DETECTION_PLUGIN='ldap' names no known group detector; known: claim, userinfo"), e.problems());
    }

    @Test
    void twoImplementationsOfOneNameFailNamingBothClasses() {
        SettingsException e = assertThrows(SettingsException.class, () -> detectors(scenario("duplicate")).select("claim"));
        String message = e.problems().get(0);
        assertTrue(message.contains("dev.oidcsso.identity.ClaimGroupDetector"), message);
        assertTrue(message.contains("dev.oidcsso.spi.NamedServicesTest$ImpostorClaimDetector"), message);
        // The other names stay usable: ambiguity is only fatal for the name that is ambiguous.
        assertEquals("userinfo", detectors(scenario("duplicate")).select("userinfo").name());
    }

    @Test
    void aBrokenEntryIsSkippedAndTheOthersStillLoad() {
        NamedServices<GroupDetector> found = detectors(scenario("broken"));
        assertEquals("claim, fixed, userinfo", found.known());
    }

    @Test
    void everyPluginProblemIsReportedInOneStartUpError() {
        OidcSettings settings = OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "b")
                .set("OIDC_IDENTITY_VALIDATOR", "claim-equals").build();
        SettingsException e = assertThrows(SettingsException.class,
                () -> OidcSso.builder(settings).classLoader(scenario("duplicate")).build().close());
        assertEquals(3, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("OIDC_IDENTITY_VALIDATOR_CLAIM is not set"));
        assertTrue(e.problems().get(1).startsWith("OIDC_IDENTITY_VALIDATOR_VALUE is not set"));
        assertTrue(e.problems().get(2).startsWith("two group detectors claim the name 'claim'"));
    }

    @Test
    void theFrameworkRefusesToStartOnAnAmbiguousDetector() {
        OidcSettings settings = OidcSettings.builder()
                .discoveryUrl("http://127.0.0.1:9/.well-known/openid-configuration").client("a", "b").build();
        SettingsException e = assertThrows(SettingsException.class,
                () -> OidcSso.builder(settings).classLoader(scenario("duplicate")).build().close());
        assertTrue(e.getMessage().contains("two group detectors claim the name 'claim'"), e.getMessage());
    }
}
